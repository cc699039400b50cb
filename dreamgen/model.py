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
from pathlib import Path

from .errors import CorpusError

__all__ = [
    "DEFAULT_BEAT_WEIGHT",
    "DEFAULT_MAX_WORDS",
    "DEFAULT_MIN_WORDS",
    "DEFAULT_NOVELTY_WORDS",
    "DEFAULT_STATE_SIZE",
    "DEFAULT_TRIES",
    "FORMAT_VERSION",
    "ModelSettings",
    "Models",
    "build_models",
    "cache_dir",
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

    __slots__ = ("index", "offsets", "nexts", "cum")

    def __init__(self, states, offsets, nexts, cum, state_size):
        it = iter(states)
        self.index = {s: i for i, s in enumerate(zip(*[it] * state_size))}
        self.offsets, self.nexts, self.cum = offsets, nexts, cum

    def total(self, state):
        i = self.index.get(state)
        if i is None:
            return 0, 0, 0
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return self.cum[hi - 1], lo, hi

    def pick(self, r, lo, hi):
        return self.nexts[bisect_right(self.cum, r, lo, hi)]


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
        """Raise ValueError unless every chain is whole: sorted weights, no missing state."""
        n = self.settings.state_size
        v = len(self.vocab)
        if v < 2 or BACKGROUND not in self.chains:
            raise ValueError("no background chain")
        for name, c in self.chains.items():
            if len(c.offsets) != len(c.index) + 1 or c.offsets[-1] != len(c.nexts) \
                    or len(c.nexts) != len(c.cum) or c.offsets[0] != 0:
                raise ValueError(f"chain {name!r}: arrays disagree")
            if (BEGIN,) * n not in c.index:
                raise ValueError(f"chain {name!r}: no begin state")
            reaches_end = set()
            pending = {}
            for state, i in c.index.items():
                if len(state) != n or max(state) >= v:
                    raise ValueError(f"chain {name!r}: bad state")
                lo, hi = c.offsets[i], c.offsets[i + 1]
                if hi <= lo:
                    raise ValueError(f"chain {name!r}: state with no successor")
                prev = 0
                for j in range(lo, hi):
                    w = c.nexts[j]
                    if c.cum[j] <= prev or w >= v:
                        raise ValueError(f"chain {name!r}: bad weight or word")
                    prev = c.cum[j]
                    if w == END:
                        reaches_end.add(state)
                    else:
                        nxt = state[1:] + (w,)
                        if nxt not in c.index:
                            raise ValueError(f"chain {name!r}: missing state")
                        pending.setdefault(nxt, []).append(state)
            # Every state must be able to reach END, or a walk could circle for ever.
            todo = list(reaches_end)
            while todo:
                s = todo.pop()
                for p in pending.get(s, ()):
                    if p not in reaches_end:
                        reaches_end.add(p)
                        todo.append(p)
            if len(reaches_end) != len(c.index):
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
            raise CorpusError("no usable sentences in this corpus file", path=doc.path)
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


def _read_cache(path, key):
    data = path.read_bytes()
    if not data.startswith(_MAGIC) or len(data) < 36:
        raise ValueError("not a dreamgen model file")
    digest, body = data[4:36], data[36:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("checksum mismatch (truncated or damaged)")
    payload = marshal.loads(body)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ValueError("another format version")
    if payload.get("key") != key:
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
    path = cache_dir() / f"model-{key[:32]}.bin"
    if path.exists():
        try:
            models = Models(_read_cache(path, key))
            return models
        except Exception as exc:  # any damage at all means: rebuild
            if warn is not None:
                warn(f"{path}: damaged model cache ({exc}); rebuilding")
    payload = build_payload(corpus, settings, cache_key=key)
    models = Models(payload)
    try:
        _write_cache(path, payload)
    except OSError as exc:
        if warn is not None:
            warn(f"{path}: cannot write model cache ({exc.strerror}); continuing without it")
    return models
