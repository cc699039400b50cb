"""The Markov models: one compact chain per beat plus a background chain, cached on disk.

markovify splits, filters and counts the corpus; dreamgen stores the counts as flat arrays
so a cached model loads in milliseconds, and walks them with its own seeded source.
"""

import hashlib
import marshal
import os
import re
import sys
import tempfile
from array import array
from bisect import bisect_right
from dataclasses import asdict, dataclass
from itertools import compress, count as counting, islice
from operator import ge, lt
from pathlib import Path

from .errors import CorpusError
from .rng import DreamRandom

__all__ = [
    "DEFAULT_BEAT_WEIGHT",
    "DEFAULT_MAX_WORDS",
    "DEFAULT_MIN_WORDS",
    "DEFAULT_NOVELTY_WORDS",
    "DEFAULT_PROBE_TRIES",
    "DEFAULT_STATE_SIZE",
    "DEFAULT_TRIES",
    "FORMAT_VERSION",
    "ModelSettings",
    "Models",
    "build_models",
    "cache_dir",
    "cache_key",
    "cache_path",
    "load_models",
    "normalise",
]

DEFAULT_STATE_SIZE = 2
# A beat's own paragraphs outweigh the whole corpus, which still lends it words to wander in.
DEFAULT_BEAT_WEIGHT = 6
DEFAULT_NOVELTY_WORDS = 8
DEFAULT_MIN_WORDS = 10
DEFAULT_MAX_WORDS = 38
DEFAULT_TRIES = 300
# A corpus file must make one new sentence on its own within this many tries (cheap: a
# file too small to fork fails at once, and the built-in files succeed within ~200).
DEFAULT_PROBE_TRIES = 3_000
FORMAT_VERSION = 1
BACKGROUND = "*"
BEGIN, END = 0, 1
_SEP = "\x1f"
_MAGIC = b"DGM1"
_RESERVED = ("___BEGIN__", "___END__")
_SHIELD = "\u01c2"  # a letter (so \w matches it) that corpus text never holds
_PUNCT = re.compile(r"^[^\w#]+|[^\w#]+$")
_TAG = re.compile(r"#([^#\s.]+)(?:\.[^#\s]*)?#")


@dataclass(frozen=True)
class ModelSettings:
    """Everything besides the corpus that changes the model (all part of the cache key)."""

    state_size: int = DEFAULT_STATE_SIZE
    beat_weight: int = DEFAULT_BEAT_WEIGHT
    novelty_words: int = DEFAULT_NOVELTY_WORDS


def normalise(word):
    """The form of a word that novelty compares: lower case, edge punctuation stripped."""
    return _PUNCT.sub("", word.lower())


def _ngram_hash(words):
    digest = hashlib.blake2b(_SEP.join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class _Chain:
    """One compiled chain: states as tuples of word ids, successors in flat arrays."""

    __slots__ = ("index", "offsets", "nexts", "cum", "words", "top")

    def __init__(self, states, offsets, nexts, cum, state_size):
        it = iter(states)
        self.index = {s: i for i, s in enumerate(zip(*[it] * state_size))}
        self.offsets, self.nexts, self.cum = offsets, nexts, cum
        self.words = len(states)
        self.top = max(states) if states else 0

    def total(self, state):
        i = self.index.get(state)
        if i is None:
            return 0, 0, 0
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.cum[hi - 1], lo, hi

    def pick(self, r, lo, hi):
        j = bisect_right(self.cum, r, lo, hi)
        # Float rounding can put r on the total itself; stay inside this state's successors.
        return self.nexts[j if j < hi else hi - 1]


def _compile(model, vocab_ids, state_size):
    states, offsets, nexts, cum = array("I"), array("I", [0]), array("I"), array("Q")
    for state, follow in model.items():
        states.extend(vocab_ids[w] for w in state)
        total = 0
        for word, count in follow.items():
            total += count
            nexts.append(vocab_ids[word])
            cum.append(total)
        offsets.append(len(nexts))
    return states, offsets, nexts, cum


class Models:
    """The beat chains, the background chain and the corpus n-grams novelty is tested on."""

    def __init__(self, payload):
        self.settings = ModelSettings(**payload["settings"])
        n = self.settings.state_size
        self.vocab = payload["vocab"]
        self.chains = {}
        for name, (states, offsets, nexts, cum) in payload["chains"].items():
            arrays = [array("I"), array("I"), array("I"), array("Q")]
            for a, raw in zip(arrays, (states, offsets, nexts, cum)):
                a.frombytes(raw)
            self.chains[name] = _Chain(*arrays, n)
        grams = array("Q")
        grams.frombytes(payload["ngrams"])
        self.ngrams = frozenset(grams)
        self.sentences = payload.get("sentences", {})

    def beats(self):
        return [b for b in self.chains if b != BACKGROUND]

    def walk(self, beat, rng, max_words=DEFAULT_MAX_WORDS):
        """One random walk as a list of words, or None if it ran past ``max_words``."""
        n = self.settings.state_size
        weight = self.settings.beat_weight
        own = self.chains.get(beat)
        background = self.chains[BACKGROUND]
        vocab = self.vocab
        state = (BEGIN,) * n
        words = []
        while True:
            bt, blo, bhi = own.total(state) if own is not None else (0, 0, 0)
            at, alo, ahi = background.total(state)
            r = rng.random() * (bt * weight + at)
            if r < bt * weight:
                nxt = own.pick(r / weight, blo, bhi)
            elif at:
                nxt = background.pick(r - bt * weight, alo, ahi)
            else:
                return None
            if nxt == END:
                return words
            words.append(vocab[nxt])
            if len(words) > max_words:
                return None
            state = state[1:] + (nxt,)

    def is_novel(self, words):
        """True when no run of ``novelty_words`` words (normalised) appears in the corpus."""
        k = self.settings.novelty_words
        norm = [normalise(w) for w in words]
        return not any(_ngram_hash(norm[i:i + k]) in self.ngrams
                       for i in range(len(norm) - k + 1))

    def validate(self):
        """Raise ValueError unless every chain is whole.

        Checked: the vocabulary, array lengths, word ids, strictly rising weights, the begin
        state, that every successor state exists, and that every state can reach the end
        (so no walk can circle for ever). About 20 ms for the built-in corpus.
        """
        n = self.settings.state_size
        vocab = self.vocab
        if (not isinstance(vocab, list) or vocab[:2] != list(_RESERVED)
                or not all(type(w) is str for w in vocab)):
            raise ValueError("bad vocabulary")
        v = len(vocab)
        if BACKGROUND not in self.chains:
            raise ValueError("no background chain")
        for name, c in self.chains.items():
            _validate_chain(name, c, n, v)


def _validate_chain(name, c, n, v):
    k = len(c.index)
    offsets, nexts, cum = c.offsets, c.nexts, c.cum
    if (c.words != n * k or len(offsets) != k + 1 or offsets[0] != 0
            or offsets[-1] != len(nexts) or len(nexts) != len(cum)):
        raise ValueError(f"chain {name!r}: arrays disagree (or a wrong state size)")
    # Written with map/compress so the checks run at C speed; the per-edge loop below is
    # the one part that has to be Python.
    if not all(map(lt, offsets, islice(offsets, 1, None))):
        raise ValueError(f"chain {name!r}: a state with no successor")
    if k and max(max(nexts), c.top) >= v:
        raise ValueError(f"chain {name!r}: a word outside the vocabulary")
    starts = set(islice(offsets, 0, k))
    falls = set(compress(counting(1), map(ge, cum, islice(cum, 1, None))))
    if not falls <= starts or (k and min(map(cum.__getitem__, starts)) == 0):
        raise ValueError(f"chain {name!r}: weights that do not rise")
    if (BEGIN,) * n not in c.index:
        raise ValueError(f"chain {name!r}: no begin state")
    get = c.index.get
    done = bytearray(k)
    todo = []
    before = [[] for _ in range(k)]
    for state, i in c.index.items():
        prefix = state[1:]
        for w in nexts[offsets[i]:offsets[i + 1]]:
            if w == END:
                if not done[i]:
                    done[i] = 1
                    todo.append(i)
                continue
            j = get(prefix + (w,))
            if j is None:
                raise ValueError(f"chain {name!r}: a successor state is missing")
            before[j].append(i)
    while todo:
        for i in before[todo.pop()]:
            if not done[i]:
                done[i] = 1
                todo.append(i)
    if done.count(1) != k:
        raise ValueError(f"chain {name!r}: a cycle with no end")


def _sentences(paragraph_text):
    import types

    import markovify

    # markovify's own input filter (quotes, brackets) without building a throwaway model.
    judge = types.SimpleNamespace(well_formed=True, reject_pat=markovify.Text.reject_pat)
    # markovify's splitter wants a word character before the full stop, so "#colour#. A"
    # would not end a sentence: hide the tag marks behind a letter while splitting.
    shielded = paragraph_text.replace("#", _SHIELD)
    for sentence in markovify.split_into_sentences(shielded):
        sentence = sentence.replace(_SHIELD, "#")
        if not markovify.Text.test_sentence_input(judge, sentence):
            continue
        if any(r in sentence for r in _RESERVED):
            continue
        yield sentence.split()


def _makes_new_sentences(runs, novelty_words, *, context=2, tries=DEFAULT_PROBE_TRIES,
                         min_words=DEFAULT_MIN_WORDS, max_words=DEFAULT_MAX_WORDS):
    """True when ``runs`` (one file's sentences) on their own make a new sentence.

    A chain with ``context`` words of context, walked ``tries`` times from a fixed seed, must
    give ``min_words`` to ``max_words`` words sharing no run of ``novelty_words`` words with
    ``runs``. This finds a file too small to say anything new (where markovify's
    make_sentence returns None); the file is only a part of the model, so the context stays
    at markovify's default of two words even when the model's state size is larger.
    """
    follow = {}
    for words in runs:
        state = (None,) * context
        for w in words:
            follow.setdefault(state, []).append(w)
            state = state[1:] + (w,)
        follow.setdefault(state, []).append(None)
    k = novelty_words
    seen = {tuple(norm[i:i + k]) for words in runs for norm in [[normalise(w) for w in words]]
            for i in range(len(norm) - k + 1)}
    start = (None,) * context
    if all(len(set(v)) == 1 for s, v in follow.items() if s != start):
        return False  # no fork after the first word: every walk repeats a sentence
    rng = DreamRandom(0)
    for _ in range(tries):
        out, state = [], start
        w = rng.choice(follow[state])
        while w is not None and len(out) <= max_words:
            out.append(w)
            state = state[1:] + (w,)
            w = rng.choice(follow[state])
        if w is not None or len(out) < min_words:
            continue
        norm = [normalise(w) for w in out]
        if not any(tuple(norm[i:i + k]) in seen for i in range(len(norm) - k + 1)):
            return True
    return False


def build_payload(corpus, settings, *, cache_key=""):
    """Count the corpus into the storable payload of a :class:`Models`."""
    import markovify

    n = settings.state_size
    runs = {BACKGROUND: []}
    for doc in corpus.documents:
        used = 0
        for para in doc.paragraphs:
            for words in _sentences(para.text):
                used += 1
                runs[BACKGROUND].append(words)
                if para.beat is not None:
                    runs.setdefault(para.beat, []).append(words)
        if not used:
            raise CorpusError(
                "no usable sentences in this corpus file: it is empty, or every sentence was "
                "filtered out (quotes, brackets, markovify's ___BEGIN__/___END__); add plain "
                "sentences", path=doc.path)
        if not _makes_new_sentences(runs[BACKGROUND][-used:], settings.novelty_words,
                                    context=min(n, 2)):
            raise CorpusError(
                f"no usable sentences in this corpus file: its {used} sentence(s) are too "
                f"few to make a new one in {DEFAULT_PROBE_TRIES:,} tries; add more text",
                path=doc.path)
    k = settings.novelty_words
    grams = set()
    for doc in corpus.documents:
        # Each file also counts with its own cast filled in, so a sentence whose tags happen
        # to expand back into the file's literal words is caught too.
        cast = dict(doc.header)
        for para in doc.paragraphs:
            filled = _TAG.sub(lambda m: cast.get(m.group(1), m.group(0)), para.text)
            for text in {para.text, filled}:
                for words in _sentences(text):
                    norm = [normalise(w) for w in words]
                    grams.update(_ngram_hash(norm[i:i + k]) for i in range(len(norm) - k + 1))
    vocab = ["___BEGIN__", "___END__"]
    ids = {markovify.chain.BEGIN: BEGIN, markovify.chain.END: END}
    for words in runs[BACKGROUND]:
        for w in words:
            if w not in ids:
                ids[w] = len(vocab)
                vocab.append(w)
    chains = {}
    for name, beat_runs in runs.items():
        model = markovify.Chain(beat_runs, n).model
        chains[name] = tuple(a.tobytes() for a in _compile(model, ids, n))
    grams = array("Q", sorted(grams))
    return {
        "format": FORMAT_VERSION,
        "key": cache_key,
        "settings": asdict(settings),
        "vocab": vocab,
        "chains": chains,
        "ngrams": grams.tobytes(),
    }


def build_models(corpus, settings=ModelSettings()):
    """Build models from a corpus without touching the cache."""
    return Models(build_payload(corpus, settings))


def cache_dir():
    """Where compiled models are cached: ``$DREAMGEN_CACHE_DIR`` or the platform's cache."""
    env = os.environ.get("DREAMGEN_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("dreamgen"))


def cache_key(corpus, settings, version):
    import importlib.metadata

    try:
        mk = importlib.metadata.version("markovify")
    except importlib.metadata.PackageNotFoundError:
        mk = "unknown"
    parts = [f"format={FORMAT_VERSION}", f"dreamgen={version}", f"markovify={mk}",
             f"python={sys.version_info[0]}.{sys.version_info[1]}", f"corpus={corpus.sha256}",
             *(f"{k}={v}" for k, v in sorted(asdict(settings).items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_path(key):
    """The cache file for a model key."""
    return cache_dir() / f"model-{key[:32]}.bin"


def _read_cache(path, key, settings):
    data = path.read_bytes()
    if not data.startswith(_MAGIC) or len(data) < 36:
        raise ValueError("not a dreamgen model file")
    digest, body = data[4:36], data[36:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("checksum mismatch (truncated or damaged)")
    payload = marshal.loads(body)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ValueError("another format version")
    if payload.get("key") != key or payload.get("settings") != asdict(settings):
        raise ValueError("built for another corpus or settings")
    return payload


def _write_cache(path, payload):
    body = marshal.dumps(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader never sees half a file, and two
    # processes building at once each rename a whole file into place.
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + hashlib.sha256(body).digest() + body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_models(corpus, settings=ModelSettings(), *, version, use_cache=True, warn=None):
    """The models for ``corpus``: from the cache when it holds a whole, matching file.

    A damaged or stale cache file is a miss: it is rebuilt, and ``warn`` (if given) is told why.
    """
    if not use_cache:
        return build_models(corpus, settings)
    key = cache_key(corpus, settings, version)
    path = cache_path(key)
    if path.exists():
        try:
            models = Models(_read_cache(path, key, settings))
            # The checksum catches damage in storage; this catches a file that is whole but
            # wrong (written by a bug, or by hand), at about 20 ms a load.
            models.validate()
            return models
        except Exception as exc:  # any damage at all means: rebuild
            if warn is not None:
                warn(f"{path}: damaged model cache ({exc}); rebuilding it")
    payload = build_payload(corpus, settings, cache_key=key)
    models = Models(payload)
    try:
        _write_cache(path, payload)
    except OSError as exc:
        if warn is not None:
            warn(f"{path}: cannot write model cache ({exc.strerror}); continuing without it")
    return models
