import random
import statistics
from pathlib import Path

import pytest

import dreamgen
from dreamgen import Dreamer
from dreamgen.checks import dream_problems, word_count
from dreamgen.grammar import Action, Tag

BEATS = ("invocation threshold omen fall impact grief stillness approach wound touch wish "
         "renewal rekindling communion waking").split()


def test_arc_has_the_fifteen_beats_in_order(dreamer):
    assert dreamer.arc.names == tuple(BEATS)


def test_dreams_0_to_199_meet_the_quality_floor(dreams200):
    failures = {d.seed: dream_problems(d, BEATS) for d in dreams200}
    assert {s: p for s, p in failures.items() if p} == {}


def test_no_two_dreams_are_identical(dreams200):
    assert len({d.text for d in dreams200}) == len(dreams200)


def test_median_length_is_600_to_1200_words(dreams200):
    assert 600 <= statistics.median(word_count(d) for d in dreams200) <= 1200


def test_every_dream_mixes_grammar_and_markov_sentences(dreams200):
    for d in dreams200:
        origins = {s.origin for b in d.beats for s in b.sentences}
        assert origins == {"grammar", "markov"}, d.seed


def test_invocation_opens_every_dream(dreams200):
    assert all(d.beats[0].text == "I am dreaming. You are dreaming." for d in dreams200)


def test_cast_is_chosen_once_and_kept(dreamer, dreams200):
    for d in dreams200[:40]:
        assert set(d.cast) >= {"fallen", "trail", "colour", "witnesses", "flowers"}
        fallen = d.cast["fallen"]
        others = set(dreamer.grammar.rules["fallers"]) - {fallen}
        body = d.text.lower()
        assert fallen.lower() in body
        # Another faller may share words with this one ("star" in "starfish"), so only
        # multi-word names that cannot be part of this dream's own are checked.
        leaked = [o for o in others if " " in o and o.lower() not in fallen.lower()
                  and f"the {o.lower()}" in body]
        assert leaked == [], (d.seed, fallen, leaked)


def test_same_seed_gives_same_dream(dreamer):
    assert dreamer.dream(42).text == dreamer.dream(42).text


def test_seeds_are_dream_numbers(dreamer):
    assert [d.text for d in dreamer.dreams(42, 3)] == [dreamer.dream(s).text for s in (42, 43, 44)]


def test_generate_matches_dreamer(dreamer):
    assert dreamgen.generate(seed=7).text == dreamer.dream(7).text
    assert dreamgen.generate(seed=7, length="micro") == dreamer.dream(7, length="micro")


def test_generate_without_a_seed_draws_one_and_returns_it(dreamer):
    drawn = {dreamgen.generate().seed for _ in range(3)}
    assert len(drawn) > 1 and all(0 <= s < dreamgen.rng.SEED_RANGE for s in drawn)
    seed = drawn.pop()
    assert dreamgen.generate(seed).text == dreamer.dream(seed).text


@pytest.mark.parametrize("seed", [-1, 1.5, "abc", "7", True])
def test_a_seed_that_is_not_a_dream_number_is_an_error(dreamer, seed):
    with pytest.raises(dreamgen.SeedError, match="a seed is a whole number 0 or more"):
        dreamer.dream(seed)
    with pytest.raises(dreamgen.DreamgenError):
        dreamgen.generate(seed)


def test_generate_takes_the_loading_options_of_dreamer_load(write, monkeypatch, tmp_path):
    config = tmp_path / "config"
    write("config/grammars/mine.json", {"fallers": ["glass harp"]})
    monkeypatch.setenv("DREAMGEN_CONFIG_DIR", str(config))
    assert dreamgen.generate(4).cast["fallen"] == "glass harp"
    assert dreamgen.generate(4, user_overlays=False).cast["fallen"] != "glass harp"


def test_global_random_state_is_neither_read_nor_changed(dreamer):
    random.seed(1234)
    before = random.getstate()
    a = dreamer.dream(5).text
    assert random.getstate() == before
    random.seed(99)
    assert dreamer.dream(5).text == a


def test_cached_and_rebuilt_models_give_the_same_dream(dreamer, rebuilt):
    for seed in (0, 1, 77):
        assert rebuilt.dream(seed).text == dreamer.dream(seed).text


def test_json_record_has_the_documented_fields(dreamer):
    record = dreamer.dream(3).to_dict()
    assert set(record) == {"seed", "title", "length", "cast", "text", "beats", "grammar_sha256",
                           "corpus_sha256", "version"}
    assert [b["name"] for b in record["beats"]] == BEATS
    assert "\n\n".join(b["text"] for b in record["beats"]) == record["text"]
    assert record["version"] == dreamgen.__version__
    assert len(record["grammar_sha256"]) == len(record["corpus_sha256"]) == 64


@pytest.fixture(scope="module")
def lengths1000(dreamer, dreams1000):
    made = {length: [dreamer.dream(seed, length=length) for seed in range(1000)]
            for length in dreamgen.LENGTHS if length != "full"}
    # Full is the default length: the session's first 1000 dreams are the same dreams.
    made["full"] = dreams1000
    return made


@pytest.mark.parametrize("length", dreamgen.LENGTHS)
def test_dreams_0_to_999_meet_the_quality_floor_at_every_length(dreamer, lengths1000, length):
    dreams = lengths1000[length]
    names = [b.name for b in dreamer.arc.at_length(length)[0]]
    failures = {d.seed: dream_problems(d, names) for d in dreams}
    assert {s: p for s, p in failures.items() if p} == {}
    assert all(d.length == length for d in dreams)
    assert len({d.text for d in dreams}) == len(dreams)


def test_micro_dreams_0_to_999_fit_one_post_in_one_paragraph(lengths1000):
    dreams = lengths1000["micro"]
    assert max(len(d.text) for d in dreams) <= 500
    assert not any("\n" in d.text for d in dreams)


def test_short_dreams_0_to_999_are_600_to_1200_characters_in_a_few_paragraphs(lengths1000):
    dreams = lengths1000["short"]
    sizes = sorted(len(d.text) for d in dreams)
    # Measured: 653 to 1,133 characters, median 903.
    assert sizes[0] >= 600 and sizes[-1] <= 1200
    assert all(2 <= d.text.count("\n\n") + 1 <= 4 for d in dreams)
    origins = {s.origin for d in dreams for b in d.beats for s in b.sentences}
    assert origins == {"grammar", "markov"}


def _max_chars(grammar, symbol, variables, memo):
    """The longest text ``symbol`` can write, each variable at its longest value."""
    if symbol in variables:
        return variables[symbol]
    if symbol not in memo:
        memo[symbol] = max(sum(len(x) if isinstance(x, str) else
                               _max_chars(grammar, x.symbol, variables, memo)
                               + 3 * ("a" in x.modifiers)  # "an "
                               for x in rule if isinstance(x, (str, Tag)))
                           for rule in grammar.compiled[symbol])
    return memo[symbol]


def test_no_micro_dream_can_be_longer_than_500_characters(dreamer):
    g, memo = dreamer.grammar, {}
    cast = {a.target: max(_max_chars(g, t.symbol, {}, memo) if isinstance(t, Tag) else len(t)
                          for rule in a.rules for t in rule)
            for rule in g.compiled[dreamer.arc.cast] for a in rule if isinstance(a, Action)}
    beats, _ = dreamer.arc.at_length("micro")
    longest = sum(_max_chars(g, b.entry, cast, {}) for b in beats) + len(beats) - 1
    assert all(b.markov == 0 for b in beats) and longest <= 500


def test_the_full_length_is_the_default_and_unchanged(dreamer):
    assert dreamer.dream(11) == dreamer.dream(11, length="full")
    assert dreamer.dream(11).text.count("\n\n") == 14


def test_a_short_form_writes_its_beat_and_keeps_the_cast(dreamer):
    full, micro = dreamer.dream(9), dreamer.dream(9, length="micro")
    assert micro.cast == full.cast and micro.title == full.title
    assert micro.beats[0].name == "fall" and micro.beats[-1].name == "waking"


# -- small and first-person corpora ----------------------------------------------------------

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny" / "corpus.txt"


def test_a_corpus_too_small_to_make_a_sentence_warns_and_dreams_go_on(write):
    # Two sentences that share no context: no walk can join them into a new one.
    tiny = write("tiny.txt", ":: fall\nYou watch the #fallen# drop through the cold air.\n"
                             "Hands shake as wind hums over quiet water tonight.\n")
    said = []
    dreamer = Dreamer.load(corpora=[tiny], builtin_corpus=False, warn=said.append)
    assert said == [f"{tiny}: too small for the Markov chain to make a new sentence of beat "
                    "'fall' (none passed its filters in 300 tries at state size 3); beats whose "
                    "Markov sentences cannot be made are written by the grammar alone; add "
                    "tagged text, or lower --state-size"]
    dream = dreamer.dream(1)
    assert [b.name for b in dream.beats] == list(dreamer.arc.names)
    assert all(s.origin == "grammar" for b in dream.beats for s in b.sentences)
    # Warm from the cache, it says so again.
    again = []
    Dreamer.load(corpora=[tiny], builtin_corpus=False, warn=again.append)
    assert again == said


def test_untagged_text_alone_is_told_to_tag_its_paragraphs(write):
    path = write("u.txt", "You walk along the quiet shore at dusk and the water is still.\n")
    said = []
    Dreamer.load(corpora=[path], builtin_corpus=False, warn=said.append)
    assert said == [f"{path}: untagged text alone gives the Markov chains no words to say, so "
                    "dreams are written by the grammar alone; 'dreamgen tag FILE' marks its "
                    "paragraphs with ':: beat' lines for you, or dream with the built-in corpus "
                    "beside it, which places them itself"]


def test_first_person_sentences_left_out_are_reported_once_a_file(write):
    path = write("n.txt", ":: fall\nI watch the #fallen# drop through the cold air tonight.\n"
                          "We hold our breath.\nThe light touches us.\n"
                          + "You watch the #fallen# fall over the dark field tonight. " * 4)
    said = []
    dreamer = Dreamer.load(corpora=[TINY, path], builtin_corpus=False, warn=said.append)
    left = [s for s in said if "left out" in s]
    assert left == [f"{path}:3:1: 2 first-person sentences left out, as they cannot be turned "
                    "to 'you' safely (this one: it says 'We': would 'you' be one person or "
                    f"many?); run 'dreamgen check {path}' for each"]
    [doc] = [d for d in dreamer.corpus.documents if d.path == str(path)]
    text = " ".join(p.text for p in doc.paragraphs)
    assert text.startswith("You watch the #fallen# drop through the cold air tonight. You watch")
    assert "breath" not in text and "us." not in text


def _in_order(dream):
    return [s for beat in dream.beats for s in beat.sentences]


def test_no_markov_sentence_says_they_before_the_witnesses_are_named(dreams200):
    from dreamgen.markov.novelty import normalise
    from dreamgen.text import THEY

    for dream in dreams200:
        who = normalise(dream.cast["witnesses"].split()[-1])
        for s in _in_order(dream):
            forms = {normalise(w) for w in s.text.split()}
            if who in forms:
                break
            assert s.origin == "grammar" or not forms & THEY, (dream.seed, s.text)


def test_a_markov_they_has_the_witnesses_in_its_beat_or_the_one_before(dreams200):
    from dreamgen.markov.novelty import normalise
    from dreamgen.text import THEY

    checked = 0
    for dream in dreams200:
        who = normalise(dream.cast["witnesses"].split()[-1])
        named = [any(who in {normalise(w) for w in s.text.split()} for s in beat.sentences)
                 for beat in dream.beats]
        for i, beat in enumerate(dream.beats):
            for s in beat.sentences:
                if s.origin == "markov" and {normalise(w) for w in s.text.split()} & THEY:
                    checked += 1
                    assert named[i] or (i and named[i - 1]), (dream.seed, beat.name, s.text)
    assert checked > 50


def test_no_markov_sentence_names_flowers_before_the_dream_has(dreamer, dreams200):
    from dreamgen.compose import entry_head
    from dreamgen.markov.novelty import normalise

    blooming = next(m for m in dreamer.arc.motifs if m.name == "blooming")
    for dream in dreams200:
        says = set(blooming.words) | {normalise(entry_head(dream.cast["flowers"]))}
        for s in _in_order(dream):
            forms = {normalise(w) for w in s.text.split()}
            assert s.origin == "grammar" or not forms & says, (dream.seed, s.text)
            if forms & says:
                break


def test_the_falls_markov_sentences_follow_its_opening(dreams200):
    from dreamgen.compose import _forms

    # Right after what brightens, before what drops, unless they lean on a later sentence.
    for dream in dreams200:
        fall = next(b for b in dream.beats if b.name == "fall").sentences
        for i, s in enumerate(fall):
            if s.origin == "markov" and any(t.origin == "grammar" for t in fall[1:i]):
                said = set().union(*(_forms(t.text) for t in fall[1:i] if t.origin == "grammar"))
                # Naming the dream's water ("toward the stone cistern") tells "the water".
                if dream.cast["water"].split()[-1].lower() in said:
                    said |= {"water", "waters"}
                assert _forms(s.text) & said - _forms(fall[0].text), (dream.seed, s.text)


def test_the_wakings_markov_sentence_comes_last(dreamer, dreams200):
    assert {b.name: b.markov_at for b in dreamer.arc.beats}["waking"] == "closing"
    for dream in dreams200:
        waking = next(b for b in dream.beats if b.name == "waking").sentences
        assert all(s.origin == "grammar" for s in waking[:-1]), dream.seed


def test_every_markov_sentence_is_drawn_from_its_beats_pool(dreamer):
    models = dreamer.models
    for seed in range(20):
        for beat in dreamer.dream(seed, trace=True).beats:
            pool = {tuple(models.words(ids)) for ids in models.pool(beat.name)}
            for s in beat.sentences:
                if s.origin == "markov":
                    assert s.trace.template in pool, (seed, s.text)


def test_a_pool_keeps_one_of_the_sentences_that_differ_in_one_word(dreamer):
    models = dreamer.models
    for beat in models.chains:
        seen = {}
        for ids in models.pool(beat):
            forms = models.norm_ids(ids)
            for i in range(len(forms)):
                key = (i, *forms[:i], *forms[i + 1:])
                assert key not in seen, (beat, models.words(ids), seen[key])
                seen[key] = models.words(ids)
    assert dreamer.models.pool_counts["one_word_changed"] > 0


def test_a_pool_is_drawn_by_opening_each_opening_weighing_at_most_two(dreamer):
    from dreamgen.settings import DEFAULT_OPENING_WEIGHT, DEFAULT_OPENING_WORDS

    models = dreamer.models
    big = 0
    for beat in models.chains:
        pool = models.pool(beat)
        groups, upto = models.openings(beat)
        assert sorted(i for g in groups for i in g) == list(range(len(pool)))
        before = 0
        for g, at in zip(groups, upto):
            assert len({tuple(models.norm_ids(pool[i][:DEFAULT_OPENING_WORDS])) for i in g}) == 1
            assert at - before == min(len(g), DEFAULT_OPENING_WEIGHT)
            before = at
            big += len(g) > DEFAULT_OPENING_WEIGHT
    assert big >= 20  # the corpus's frames make openings that many pool sentences share


def test_no_opening_of_a_markov_sentence_is_in_most_dreams(dreams200):
    from collections import Counter

    openings = Counter()
    for d in dreams200:
        openings.update({" ".join(s.text.split()[:4]) for b in d.beats for s in b.sentences
                         if s.origin == "markov"})
    # Drawn evenly from the pool, "You move slowly, as ..." opened 76% of the approaches.
    assert max(openings.values()) <= 0.4 * len(dreams200), openings.most_common(3)


def test_the_pools_are_the_same_when_rebuilt(dreamer, rebuilt):
    for beat in dreamer.models.chains:
        assert dreamer.models.pool(beat) == rebuilt.models.pool(beat), beat


def test_no_markov_sentence_names_again_what_its_beats_grammar_named(dreamer):
    from dreamgen.compose import _forms
    from dreamgen.markov import normalise
    from dreamgen.markov.filters import Candidate, _heads

    models = dreamer.models
    for seed in range(60):
        dream = dreamer.dream(seed, trace=True)
        cast = {normalise(w) for v in dream.cast.values() for w in str(v).split()}
        for beat in dream.beats:
            said = set().union(*(_forms(s.text) for s in beat.sentences if s.origin == "grammar"))
            for s in beat.sentences:
                if s.origin == "markov":
                    c = Candidate(list(s.trace.template), [], beat.name, models)
                    heads = {c.forms[i] for i in _heads(c)}
                    assert not heads & (said - cast), (seed, s.text)


def test_no_markov_sentence_describes_the_cast_its_beat_has_described(dreamer):
    from dreamgen.compose import _NAMED_CAST

    for seed in range(60):
        dream = dreamer.dream(seed, trace=True)
        for beat in dream.beats:
            text = " ".join(s.text for s in beat.sentences if s.origin == "grammar")
            described = {name for name, v in dream.cast.items()
                         if name not in _NAMED_CAST and isinstance(v, str) and v in text}
            for s in beat.sentences:
                if s.origin == "markov":
                    tags = {w.strip(".,;:!?").strip("#") for w in s.trace.template if "#" in w}
                    assert not tags & described, (seed, s.text)


def test_no_markov_sentence_tells_again_what_its_beat_told(dreamer, dreams200):
    from dreamgen.compose import _forms

    said_in = {}
    for m in dreamer.arc.motifs:
        if m.said_in:
            said_in.setdefault(m.said_in, set()).update(m.words)
    for dream in dreams200:
        # A cast tag's words are the cast's ("It trails #trail#": "loose fleece").
        cast = set().union(*(_forms(v) for v in dream.cast.values() if isinstance(v, str)))
        told = set()
        for beat in dream.beats:
            told |= said_in.get(beat.name, set())
            for s in beat.sentences:
                assert s.origin == "grammar" or not _forms(s.text) & told - cast, (
                    dream.seed, s.text)


def test_no_markov_sentence_says_the_water_before_the_dream_names_it(dreams200):
    import re

    checked = 0
    for dream in dreams200:
        water = dream.cast["water"]
        head = water.split()[-1].lower()
        named = False
        for beat in dream.beats:
            for s in beat.sentences:
                says = re.search(r"\bwaters?\b", s.text, re.I)
                if s.origin == "markov" and says and water not in s.text:
                    checked += 1
                    # "It rolls over the water to you" where only a horse trough was named
                    # would be fine; where nothing was, it is a lake from nowhere.
                    assert named, (dream.seed, s.text)
                named = named or bool(says) or head in s.text.lower()
    assert checked >= 50


def test_the_witnesses_collapse_once_in_the_grief(dreamer, dreams200):
    import re

    from dreamgen.compose import _forms

    # In main before this test, 109 of dreams 0-199 had a grief whose Markov sentence
    # collapsed the witnesses again ("The fishwives drop onto the wet stones" after "They
    # fold into the grass"), the commonest fault of r40. The grammar's grief collapses nobody
    # now (not "cardigans fold in on themselves"); the Markov side says it once at most.
    words = set(next(m for m in dreamer.arc.motifs if m.name == "collapsing").words)
    gestures = re.compile(r"\b(sink to their knees|fold over|fold like|fold into|kneel and|"
                          r"crumple to|collapse against|they sink)\b")
    doubled, collapsed = [], 0
    for dream in dreams200:
        grief = next(b for b in dream.beats if b.name == "grief")
        markov = [s.text for s in grief.sentences if s.origin == "markov"
                  and _forms(s.text) & words]
        grammar = [s.text for s in grief.sentences if s.origin == "grammar"
                   and gestures.search(s.text)]
        collapsed += bool(markov)
        if len(markov) > 1 or grammar:
            doubled.append((dream.seed, markov + grammar))
    assert collapsed >= 50  # the Markov side still tells it
    assert not doubled, doubled[:3]


def test_a_motif_said_once_in_a_beat_is_said_there_by_one_sentence(dreamer, dreams200):
    from dreamgen.compose import _forms

    once_in = [(m.once_in, set(m.words)) for m in dreamer.arc.motifs if m.once_in]
    assert once_in
    checked = 0
    for dream in dreams200:
        cast = set().union(*(_forms(v) for v in dream.cast.values() if isinstance(v, str)))
        for beat in dream.beats:
            for name, words in once_in:
                if beat.name != name:
                    continue
                saying = [s for s in beat.sentences if (_forms(s.text) - cast) & words]
                if any(s.origin == "markov" for s in saying):
                    checked += 1
                    # The witnesses look up once: by the Markov sentence alone.
                    assert len(saying) == 1, (dream.seed, [s.text for s in saying])
    assert checked >= 20


def test_another_max_words_walks_the_chains_and_keeps_to_it(dreamer):
    from dataclasses import replace

    short = Dreamer(dreamer.grammar, dreamer.arc, dreamer.models, dreamer.corpus_sha256,
                    replace(dreamer.settings, min_words=5, max_words=9), corpus=dreamer.corpus)
    markov = [s for seed in range(5) for b in short.dream(seed, trace=True).beats
              for s in b.sentences if s.origin == "markov"]
    assert len(markov) >= 40
    # Counted as the chain gave them: a cast tag is one word until it is filled in.
    assert all(5 <= len(s.trace.template) <= 9 for s in markov)
    pooled = {tuple(dreamer.models.words(ids)) for b in dreamer.models.chains
              for ids in dreamer.models.pool(b)}
    assert any(s.trace.template not in pooled for s in markov)
