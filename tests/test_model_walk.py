"""The compiled walk makes the same draws and words as the plain algorithm over markovify."""

from bisect import bisect_right

import markovify
import pytest

from dreamgen.corpus import read_corpus
from dreamgen.model import BACKGROUND, ModelSettings, _sentences, build_models, normalise
from dreamgen.resources import builtin_dir
from dreamgen.rng import DreamRandom

SETTINGS = ModelSettings()


@pytest.fixture(scope="module")
def corpus(dreamer):
    return read_corpus([builtin_dir("corpus")], beats=dreamer.arc.names)


@pytest.fixture(scope="module")
def plain(corpus):
    """markovify's own chains per beat, and the corpus's normalised word runs."""
    runs = {BACKGROUND: []}
    for para in corpus.paragraphs():
        for words in _sentences(para.text):
            runs[BACKGROUND].append(words)
            if para.beat is not None:
                runs.setdefault(para.beat, []).append(words)
    chains = {name: markovify.Chain(r, SETTINGS.state_size).model for name, r in runs.items()}
    k = SETTINGS.novelty_words
    grams = {tuple(norm[i:i + k]) for words in runs[BACKGROUND]
             for norm in [[normalise(w) for w in words]] for i in range(len(norm) - k + 1)}
    return chains, grams


@pytest.fixture(scope="module")
def models(corpus):
    return build_models(corpus, SETTINGS)


def _plain_walk(chains, beat, rng, max_words, weight=SETTINGS.beat_weight):
    # The walk as first written: two weighted tables, one draw a step.
    state = (markovify.chain.BEGIN,) * SETTINGS.state_size
    words = []

    def table(chain):
        follow = chain.get(state, {}) if chain is not None else {}
        cum, total = [], 0
        for count in follow.values():
            total += count
            cum.append(total)
        return list(follow), cum, total

    while True:
        own_words, own_cum, bt = table(chains.get(beat))
        bg_words, bg_cum, at = table(chains[BACKGROUND])
        r = rng.random() * (bt * weight + at)
        if r < bt * weight:
            nxt = own_words[bisect_right(own_cum, r / weight)]
        elif at:
            nxt = bg_words[bisect_right(bg_cum, r - bt * weight)]
        else:
            return None
        if nxt == markovify.chain.END:
            return words
        words.append(nxt)
        if len(words) > max_words:
            return None
        state = state[1:] + (nxt,)


@pytest.mark.parametrize("max_words", [45, 12])
def test_compiled_walks_match_the_plain_walk_draw_for_draw(models, plain, max_words):
    chains, _ = plain
    for seed in range(120):
        for beat in (*models.beats(), "no-such-beat"):
            a, b = DreamRandom(seed * 31 + len(beat)), DreamRandom(seed * 31 + len(beat))
            assert models.walk(beat, a, max_words) == _plain_walk(chains, beat, b, max_words)
            assert a.random() == b.random(), (seed, beat)  # the same number of draws


def test_novelty_is_the_plain_ngram_test(models, plain):
    _, grams = plain
    k = SETTINGS.novelty_words
    rng = DreamRandom(5)
    seen = {True: 0, False: 0}
    for _ in range(400):
        ids = models.walk_ids("fall", rng)
        if not ids:
            continue
        words = [models.vocab[i] for i in ids]
        norm = [normalise(w) for w in words]
        expected = not any(tuple(norm[i:i + k]) in grams for i in range(len(norm) - k + 1))
        assert models.is_novel_ids(ids) == models.is_novel(words) == expected
        seen[expected] += 1
    assert seen[True] and seen[False]


def test_a_built_model_validates(models):
    models.validate()


def test_validate_finds_a_missing_state(corpus):
    broken = build_models(corpus, SETTINGS)
    # Cut one branching state's row out of the background's arrays.
    chain = broken.chains[BACKGROUND]
    offs = list(chain.offs)
    i = next(i for i, c in enumerate(chain.codes) if c != 0 and offs[i + 1] - offs[i] > 1)
    lo, hi = offs[i], offs[i + 1]
    del chain.nexts[lo:hi], chain.cum[lo:hi], chain.codes[i]
    chain.offs[:] = type(chain.offs)(chain.offs.typecode,
                                     offs[:i] + [x - (hi - lo) for x in offs[i + 1:]])
    with pytest.raises(ValueError, match="missing state"):
        broken.validate()
