"""The Markov models: one compact chain per beat plus a background chain, cached on disk.

markovify splits, filters and counts the corpus; dreamgen stores the counts as flat arrays
so a cached model loads in milliseconds, and walks them with its own seeded source.
"""

import hashlib
import marshal
import os
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass

from .errors import CorpusError
from .rng import DreamRandom

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
    "cache_path",
    "load_models",
    "normalise",
]

DEFAULT_STATE_SIZE = 2
# A beat's own paragraphs outweigh the whole corpus, which still lends it words to wander in.
DEFAULT_BEAT_WEIGHT = 16
DEFAULT_NOVELTY_WORDS = 8
DEFAULT_MIN_WORDS = 10
DEFAULT_MAX_WORDS = 30
DEFAULT_TRIES = 300
# A corpus file must make one new sentence on its own within this many tries (cheap: a
# file too small to fork fails at once, and the built-in files succeed within ~200).
DEFAULT_PROBE_TRIES = 3_000
FORMAT_VERSION = 3
BACKGROUND = "*"
BEGIN, END = 0, 1
_SEP = "\x1f"
_MAGIC = b"DGM3"
_RESERVED = ("___BEGIN__", "___END__")
_SHIELD = "\u01c2"  # a letter (so \w matches it) that corpus text never holds
_PUNCT = re.compile(r"^[^\w#]+|[^\w#]+$")
_CORPUS_TAG = re.compile(r"#([^#\s]*)#")
_TAG = re.compile(r"#([^#\s.]+)(?:\.[^#\s]*)?#")
_LOW = (1 << 64) - 1
# Walks of one table looked up by bisection before a dict is built for it (about 3 dreams).
_WARM = 256


@dataclass(frozen=True)
class ModelSettings:
    """Everything besides the corpus that changes the model (all part of the cache key)."""

    state_size: int = DEFAULT_STATE_SIZE
    beat_weight: int = DEFAULT_BEAT_WEIGHT
    novelty_words: int = DEFAULT_NOVELTY_WORDS


def normalise(word):
    """The form of a word that novelty compares: lower case, edge punctuation stripped."""
    return _PUNCT.sub("", word.lower())


def _compile(model, ids, state_size, vocab_size):
    # A state packs into one int (ids in base vocab_size): one cheap dict lookup per step.
    index, nexts, cum = {}, [], []
    for state, follow in model.items():
        code = 0
        for w in state:
            code = code * vocab_size + ids[w]
        lo, total = len(nexts), 0
        for word, count in follow.items():
            total += count
            nexts.append(ids[word])
            cum.append(total)
        index[code] = (lo, len(nexts), total)
    return index, nexts, cum


def _keep(chain, codes):
    """The chain cut down to the states in ``codes``, its arrays packed again."""
    index, nexts, cum = chain
    kept, knexts, kcum = {}, [], []
    for code, (lo, hi, total) in index.items():
        if code in codes:
            kept[code] = (len(knexts), len(knexts) + hi - lo, total)
            knexts.extend(nexts[lo:hi])
            kcum.extend(cum[lo:hi])
    return kept, knexts, kcum


def _forced_runs(index, nexts, vocab_size, state_size, cap=64):
    """Runs of states with one successor each, keyed by the state a run starts from.

    ``code -> (word ids, code after the run, whether it ends the sentence)``. Only states a
    walk can enter a run at are keys: the start, and the successors of branching states.
    """
    keep = vocab_size ** (state_size - 1)

    def single(code):
        entry = index.get(code)
        return entry is not None and entry[1] - entry[0] == 1

    heads = {0} if single(0) else set()
    for code, (lo, hi, _) in index.items():
        if hi - lo > 1:
            heads.update(code % keep * vocab_size + w for w in nexts[lo:hi] if w != END)
    runs = {}
    todo = sorted(h for h in heads if single(h))
    while todo:
        head = todo.pop()
        code, words, ended = head, [], False
        while single(code) and len(words) < cap:
            w = nexts[index[code][0]]
            if w == END:
                ended = True
                break
            words.append(w)
            code = code % keep * vocab_size + w
        if not ended and len(words) >= cap and single(code) and code not in runs:
            todo.append(code)  # a very long run goes on from another entry
        runs[head] = (tuple(words), code, ended)
    return runs


def _gram_code(norm_ids, base):
    code = 0
    for i in norm_ids:
        code = code * base + i
    return code


def _uints(values):
    """``values`` (non-negative ints) as the narrowest array that holds them, or a list."""
    values = list(values)
    top = max(values, default=0)
    for code in "BHIQ":
        if top < 1 << 8 * array(code).itemsize:
            return array(code, values)
    return values  # past 64 bits: bisect works on a sorted list as well


def _pack_chains(chains):
    """``{name: (index, nexts, cum)}`` as sorted parallel arrays (see :class:`_Chain`).

    A beat's ``index`` entries carry the background's entry after their own; stored is the
    background's row for the same state instead.
    """
    rows = {}
    packed = {}
    for name in [BACKGROUND, *(n for n in chains if n != BACKGROUND)]:
        index, nexts, cum = chains[name]
        codes = sorted(index)
        offs, knexts, kcum = [0], [], []
        for code in codes:
            lo, hi = index[code][:2]
            knexts.extend(nexts[lo:hi])
            kcum.extend(cum[lo:hi])
            offs.append(len(knexts))
        part = {"codes": _uints(codes), "offs": _uints(offs), "nexts": _uints(knexts),
                "cum": _uints(kcum)}
        if name == BACKGROUND:
            rows = {code: i for i, code in enumerate(codes)}
        else:
            part["bg"] = _uints(rows[code] for code in codes)
        packed[name] = part
    return packed


def _pack_forced(runs):
    """``code -> (words, after, ended)`` as sorted parallel arrays (see :class:`_Runs`)."""
    codes = sorted(runs)
    offs, words = [0], []
    for code in codes:
        words.extend(runs[code][0])
        offs.append(len(words))
    return {"codes": _uints(codes), "offs": _uints(offs), "words": _uints(words),
            "after": _uints(runs[c][1] for c in codes),
            "ended": array("B", [bool(runs[c][2]) for c in codes])}


def _pack_grams(grams):
    """The n-gram codes as sorted low 64 bits and, beside each, the bits above them."""
    pairs = sorted((g & _LOW, g >> 64) for g in grams)
    return {"low": array("Q", [p[0] for p in pairs]), "high": _uints(p[1] for p in pairs)}


class _Table:
    """Sorted codes -> their row, found by bisection; after ``_WARM`` walks a dict takes
    over (building it costs more than one dream's bisections, less than a batch's)."""

    __slots__ = ("codes", "get", "uses")

    def __init__(self, codes):
        self.codes = codes
        self.uses = 0
        n = len(codes)

        def get(code, default=None):
            i = bisect_left(codes, code)
            return i if i < n and codes[i] == code else default

        self.get = get

    def use(self):
        self.uses += 1
        if self.uses == _WARM:
            self.get = dict(zip(self.codes, range(len(self.codes)))).get
        return self.get


class _Chain:
    """One compiled chain as parallel arrays: state ``codes[i]`` (sorted) is followed by
    ``nexts[offs[i]:offs[i + 1]]`` with running weights ``cum`` over the same slice. A beat
    chain's ``bg[i]`` is the background's row for the same state."""

    __slots__ = ("table", "offs", "nexts", "cum", "bg")

    def __init__(self, part):
        self.table = _Table(part["codes"])
        self.offs, self.nexts, self.cum = part["offs"], part["nexts"], part["cum"]
        self.bg = part.get("bg")

    @property
    def codes(self):
        return self.table.codes


class _Runs:
    """The forced runs as parallel arrays: run ``i`` starts at state ``codes[i]`` (sorted),
    says ``words[offs[i]:offs[i + 1]]``, then is at state ``after[i]`` or, if ``ended[i]``,
    at the end of the sentence."""

    __slots__ = ("table", "offs", "words", "after", "ended")

    def __init__(self, part):
        self.table = _Table(part["codes"])
        self.offs, self.words = part["offs"], part["words"]
        self.after, self.ended = part["after"], part["ended"]

    def __len__(self):
        return len(self.table.codes)

    def items(self):
        """``(code, (words, after, ended))`` for every run."""
        offs, words = self.offs, self.words
        for i, code in enumerate(self.table.codes):
            yield code, (tuple(words[offs[i]:offs[i + 1]]), self.after[i], bool(self.ended[i]))


class _Grams:
    """The corpus n-gram codes: bisection at first, a set of their low bits once warm."""

    __slots__ = ("low", "high", "exact", "has", "uses")

    def __init__(self, part):
        low, high = self.low, self.high = part["low"], part["high"]
        n = len(low)

        def exact(code):
            lo, hi = code & _LOW, code >> 64
            i = bisect_left(low, lo)
            while i < n and low[i] == lo:
                if high[i] == hi:
                    return True
                i += 1
            return False

        self.exact = self.has = exact
        self.uses = 0

    def use(self):
        self.uses += 1
        if self.uses == _WARM:
            lows, exact = frozenset(self.low), self.exact
            self.has = lambda code: code & _LOW in lows and exact(code)
        return self.has


class Models:
    """The beat chains, the background chain and the corpus n-grams novelty is tested on."""

    def __init__(self, payload):
        self.settings = ModelSettings(**payload["settings"])
        self.vocab = payload["vocab"].split("\n")
        self.chains = {name: _Chain(part) for name, part in payload["chains"].items()}
        # Where the background has one successor so does every beat (a beat's counts are a
        # part of the background's), so such a run of words is known before it is walked.
        self.forced = _Runs(payload["forced"])
        # Novelty compares normalised words: each word id maps to the id of its normal form,
        # and each corpus run of ``novelty_words`` normal ids is packed into one int.
        self.norm = payload["norm"]
        self.norm_size = payload["norm_size"]
        self._forms = payload["forms"]
        self._form_ids = None  # built on the first text novelty test
        self.ngrams = _Grams(payload["ngrams"])
        self.tags = payload.get("tags", ())
        self.beats_used = payload.get("beats_used", ())

    @property
    def forms(self):
        """The normal forms, in the order of their ids."""
        return self._forms.split("\n")

    def beats(self):
        return [b for b in self.chains if b != BACKGROUND]

    def walk(self, beat, rng, max_words=DEFAULT_MAX_WORDS):
        """One random walk as a list of words, or None if it ran past ``max_words``."""
        ids = self.walk_ids(beat, rng, max_words)
        if ids is None:
            return None
        vocab = self.vocab
        return [vocab[i] for i in ids]

    def walk_ids(self, beat, rng, max_words=DEFAULT_MAX_WORDS):
        """:meth:`walk` as word ids: the same draws from ``rng``, the same outcome."""
        # The arithmetic (which float is compared with which int) is kept step for step as
        # first written, so every seed walks exactly the same way it always has.
        weight = self.settings.beat_weight
        own = self.chains.get(beat)
        background = self.chains[BACKGROUND]
        bget = background.table.use()
        boffs, bnexts, bcum = background.offs, background.nexts, background.cum
        if own is not None:
            oget = own.table.use()
            ooffs, onexts, ocum, obg = own.offs, own.nexts, own.cum, own.bg
        else:
            oget = {}.get
        v = len(self.vocab)
        keep = v ** (self.settings.state_size - 1)
        random = getattr(rng, "_random", None) or rng.random
        forced = self.forced
        fget = forced.table.use()
        foffs, fwords, fafter, fended = forced.offs, forced.words, forced.after, forced.ended
        code = 0
        words = []
        left = max_words
        while True:
            f = fget(code)
            if f is not None:
                # One draw per word (and one for the end) as a step-by-step walk makes; the
                # draw cannot change the word, since there is only one to pick.
                lo, hi = foffs[f], foffs[f + 1]
                if hi - lo > left:
                    for _ in range(left + 1):
                        random()
                    return None
                ended = fended[f]
                for _ in range(hi - lo + ended):
                    random()
                words += fwords[lo:hi]
                if ended:
                    return words
                left -= hi - lo
                code = fafter[f]
                continue
            o = oget(code)
            if o is None:
                b = bget(code)
                if b is None:
                    # Not reachable in a chain markovify built (every state leads on), but
                    # a draw is made first, as it always was.
                    random()
                    return None
                blo, bhi = boffs[b], boffs[b + 1]
                at = bcum[bhi - 1]
                r = random() * at
                nxt = bnexts[(blo if r < bcum[blo] else blo + 1) if bhi - blo == 1
                             else bisect_right(bcum, r, blo, bhi)]
            else:
                # A beat state goes on with the background's entry for the same state too.
                olo, ohi = ooffs[o], ooffs[o + 1]
                b = obg[o]
                blo, bhi = boffs[b], boffs[b + 1]
                at = bcum[bhi - 1]
                btw = ocum[ohi - 1] * weight
                r = random() * (btw + at)
                if r < btw:
                    q = r / weight
                    nxt = onexts[(olo if q < ocum[olo] else olo + 1) if ohi - olo == 1
                                 else bisect_right(ocum, q, olo, ohi)]
                else:
                    r -= btw
                    nxt = bnexts[(blo if r < bcum[blo] else blo + 1) if bhi - blo == 1
                                 else bisect_right(bcum, r, blo, bhi)]
            if nxt == END:
                return words
            words.append(nxt)
            left -= 1
            if left < 0:
                return None
            code = code % keep * v + nxt

    def is_novel(self, words):
        """True when no run of ``novelty_words`` words (normalised) appears in the corpus,
        as written or with a file's own cast filled in."""
        if self._form_ids is None:
            self._form_ids = {f: i for i, f in enumerate(self.forms)}
        get = self._form_ids.get
        k, base = self.settings.novelty_words, self.norm_size
        has = self.ngrams.use()
        norm = [get(normalise(w), -1) for w in words]
        return not any(-1 not in norm[i:i + k] and has(_gram_code(norm[i:i + k], base))
                       for i in range(len(norm) - k + 1))

    def is_novel_ids(self, ids):
        """:meth:`is_novel` for word ids (as :meth:`walk_ids` gives them)."""
        k = self.settings.novelty_words
        if len(ids) < k:
            return True
        norm, base, has = self.norm, self.norm_size, self.ngrams.use()
        top = base ** (k - 1)
        code = 0
        for i in ids[:k]:
            code = code * base + norm[i]
        if has(code):
            return False
        for i in ids[k:]:
            code = code % top * base + norm[i]
            if has(code):
                return False
        return True

    def validate(self):
        """Raise ValueError unless the models are whole, so no walk can crash or circle.

        Checked: the vocabulary, normal forms and n-grams; every array's type, length and
        order (codes strictly rising, so bisection finds them); for every forced run, its
        words, its progress and the state it leads to; for every chain state, its slice of
        the arrays, word ids, strictly rising weights, that every successor state exists, and
        a beat's row of the background; and that from every state the background chain and
        the forced runs reach the end of a sentence (a walk always has a background successor
        to draw, so then every walk ends). The checksum only catches damage in storage, this
        a file that is whole but wrong.
        """
        n = self.settings.state_size
        vocab = self.vocab
        if vocab[:2] != list(_RESERVED):
            raise ValueError("bad vocabulary")
        v = len(vocab)
        if BACKGROUND not in self.chains:
            raise ValueError("no background chain")
        forms = self.forms
        norm = self.norm
        if (not _is_uints(norm) or len(norm) != v or self.norm_size.__class__ is not int
                or len(forms) != self.norm_size or not max(norm) < self.norm_size):
            raise ValueError("normal forms disagree with the vocabulary")
        grams = self.ngrams
        if (grams.low.__class__ is not array or grams.low.typecode != "Q"
                or not _is_uints(grams.high) or len(grams.low) != len(grams.high)
                or not _rising(grams.low, strict=False)):
            raise ValueError("bad n-grams")
        keep = v ** (n - 1)
        top = v ** n
        forced = self.forced
        fcodes = forced.table.codes
        if not (_is_uints(fcodes) and _is_uints(forced.offs) and _is_uints(forced.words)
                and _is_uints(forced.after) and _is_uints(forced.ended)
                and len(forced.offs) == len(fcodes) + 1 == len(forced.after) + 1
                == len(forced.ended) + 1 and forced.offs[0] == 0
                and forced.offs[-1] == len(forced.words) and _rising(forced.offs, strict=False)
                and _rising(fcodes) and max(forced.ended, default=0) <= 1
                and (not fcodes or fcodes[-1] < top)):
            raise ValueError("bad forced runs")
        background = self.chains[BACKGROUND]
        if not _is_uints(background.codes):
            raise ValueError(f"chain {BACKGROUND!r}: arrays disagree")
        nodes = set(background.codes) | set(fcodes)
        if 0 not in nodes:
            raise ValueError("no begin state")
        ends, before = set(), {}
        for code, (run, after, ended) in forced.items():
            if run and not END < min(run) <= max(run) < v:
                raise ValueError("a forced run: a word outside the vocabulary")
            if not run and not ended:
                raise ValueError("a forced run that makes no progress")
            state = code
            for w in run:
                state = state % keep * v + w
            if state != after:
                raise ValueError("a forced run that disagrees with its words")
            if ended:
                ends.add(code)
            elif after not in nodes:
                raise ValueError("a forced run leads to a missing state")
            else:
                before.setdefault(after, []).append(code)
        bcodes = background.codes
        for name, c in self.chains.items():
            codes, offs, nexts, cum = c.codes, c.offs, c.nexts, c.cum
            own = name == BACKGROUND
            if not (_is_uints(codes) and _is_uints(offs) and _is_uints(nexts) and _is_uints(cum)
                    and len(nexts) == len(cum) and len(offs) == len(codes) + 1
                    and offs[0] == 0 and offs[-1] == len(nexts)
                    and (own or (_is_uints(c.bg) and len(c.bg) == len(codes)))):
                raise ValueError(f"chain {name!r}: arrays disagree")
            if nexts and not max(nexts) < v:
                raise ValueError(f"chain {name!r}: a word outside the vocabulary")
            if not _rising(codes) or (codes and not codes[-1] < top):
                raise ValueError(f"chain {name!r}: a bad state")
            if not _rising(offs):
                raise ValueError(f"chain {name!r}: a state with no successor")
            for i, state in enumerate(codes):
                if not own:
                    b = c.bg[i]
                    if b >= len(bcodes) or bcodes[b] != state:
                        raise ValueError(f"chain {name!r}: background entry disagrees")
                prev = 0
                prefix = state % keep * v
                for j in range(offs[i], offs[i + 1]):
                    if cum[j] <= prev:
                        raise ValueError(f"chain {name!r}: weights that do not rise")
                    prev = cum[j]
                    w = nexts[j]
                    if w == END:
                        if own:
                            ends.add(state)
                        continue
                    nxt = prefix + w
                    if nxt not in nodes:
                        raise ValueError(f"chain {name!r}: a successor leads to a missing state")
                    if own:
                        before.setdefault(nxt, []).append(state)
        # Every state must reach END through the background and the runs: a beat walk draws
        # a background successor at every step too, so no walk can circle for ever.
        reach, todo = set(ends), list(ends)
        while todo:
            for p in before.get(todo.pop(), ()):
                if p not in reach:
                    reach.add(p)
                    todo.append(p)
        if reach != nodes:
            raise ValueError(f"chain {BACKGROUND!r}: a cycle with no end")


def _is_uints(values):
    """True for an array of unsigned ints, or a list of non-negative ints."""
    if values.__class__ is array:
        return values.typecode in "BHIQ"
    return values.__class__ is list and all(x.__class__ is int and x >= 0 for x in values)


def _rising(values, strict=True):
    if strict:
        return all(a < b for a, b in zip(values, values[1:]))
    return all(a <= b for a, b in zip(values, values[1:]))


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
        chains[name] = _compile(model, ids, n, len(vocab))
    forced = _forced_runs(*chains[BACKGROUND][:2], len(vocab), n)
    # A walk looks a state up only where the background branches; the rest are in runs.
    branching = {code for code, (lo, hi, _) in chains[BACKGROUND][0].items() if hi - lo > 1}
    chains = {name: _keep(chain, branching) for name, chain in chains.items()}
    norm_ids = {}
    norm = [norm_ids.setdefault(normalise(w), len(norm_ids)) for w in vocab]
    k = settings.novelty_words
    novelty_runs = list(runs[BACKGROUND])
    for doc in corpus.documents:
        # Each file also counts with its own cast filled in, so a sentence whose tags happen
        # to expand back into the file's literal words is caught too.
        cast = dict(doc.header)
        for para in doc.paragraphs:
            filled = _TAG.sub(lambda m: cast.get(m.group(1), m.group(0)), para.text)
            if filled != para.text:
                novelty_runs.extend(_sentences(filled))
    # Normal forms met only in filled-in text get ids past the vocabulary's own.
    coded = [[norm_ids.setdefault(normalise(w), len(norm_ids)) for w in words]
             for words in novelty_runs]
    grams = frozenset(_gram_code(codes[i:i + k], len(norm_ids))
                      for codes in coded for i in range(len(codes) - k + 1))
    tags, beats_used = set(), set()
    for para in corpus.paragraphs():
        tags.update(t.split(".")[0] for t in _CORPUS_TAG.findall(para.text))
        if para.beat is not None:
            beats_used.add(para.beat)
    return {
        "format": FORMAT_VERSION,
        "byteorder": sys.byteorder,
        "key": cache_key,
        "settings": asdict(settings),
        # Stored as a few strings and flat arrays: loading them is a copy, not the building
        # of a Python object per state, word or n-gram.
        "vocab": "\n".join(vocab),
        "chains": _pack_chains(chains),
        "forced": _pack_forced(forced),
        "norm": _uints(norm),
        "norm_size": len(norm_ids),
        "forms": "\n".join(norm_ids),
        "ngrams": _pack_grams(grams),
        # What the corpus asks of a grammar and arc, so a cached model can be matched
        # against them without reading the corpus again.
        "tags": tuple(sorted(tags)),
        "beats_used": tuple(sorted(beats_used)),
    }


def build_models(corpus, settings=ModelSettings()):
    """Build models from a corpus without touching the cache."""
    return Models(build_payload(corpus, settings))


def cache_dir():
    """Where compiled models are cached: ``$DREAMGEN_CACHE_DIR`` or the platform's cache."""
    from pathlib import Path

    from .resources import cache_path

    return Path(cache_path())


def cache_path(key):
    """The cache file for a model key."""
    return cache_dir() / f"model-{key[:32]}.bin"


def _markovify_version():
    # importlib.metadata costs more than a whole warm start, so look for the installed
    # distribution's folder first; the version is in its name.
    mod = sys.modules.get("markovify")
    if mod is not None:
        return getattr(mod, "__version__", "unknown")
    import importlib.util

    spec = importlib.util.find_spec("markovify")
    if spec is None or not spec.origin:
        return "unknown"
    site = os.path.dirname(os.path.dirname(spec.origin))
    try:
        names = [n for n in os.listdir(site) if n.lower().startswith("markovify-")
                 and n.endswith((".dist-info", ".egg-info"))]
    except OSError:
        names = []
    if len(names) == 1:
        return names[0].rsplit(".", 1)[0].split("-")[1]
    import importlib.metadata

    try:
        return importlib.metadata.version("markovify")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def cache_key(corpus, settings, version):
    """The model cache key: format, versions, the corpus's content hash and the settings.

    ``corpus`` is a :class:`~dreamgen.corpus.Corpus` or its sha256.
    """
    sha = corpus if isinstance(corpus, str) else corpus.sha256
    parts = [f"format={FORMAT_VERSION}", f"dreamgen={version}", f"markovify={_markovify_version()}",
             f"python={sys.version_info[0]}.{sys.version_info[1]}", f"corpus={sha}",
             *(f"{k}={v}" for k, v in sorted(asdict(settings).items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _encode(value):
    # marshal stores no arrays: each becomes bytes, its type code first.
    if value.__class__ is dict:
        return {k: _encode(v) for k, v in value.items()}
    if value.__class__ is array:
        return value.typecode.encode() + value.tobytes()
    return value


def _decode(value):
    if value.__class__ is dict:
        return {k: _decode(v) for k, v in value.items()}
    if value.__class__ is bytes:
        a = array(chr(value[0]))
        a.frombytes(memoryview(value)[1:])
        return a
    return value


def dumps(payload):
    """The stored form of a payload (as :func:`build_payload` makes it)."""
    return marshal.dumps(_encode(payload))


def loads(body):
    """A payload from :func:`dumps`'s form."""
    return _decode(marshal.loads(body))


def _read_cache(path, key, settings):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(_MAGIC) or len(data) < 36:
        raise ValueError("not a dreamgen model file")
    digest, body = data[4:36], data[36:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("checksum mismatch (truncated or damaged)")
    payload = loads(body)
    if (not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION
            or payload.get("byteorder") != sys.byteorder):
        raise ValueError("another format version")
    if payload.get("key") != key or payload.get("settings") != asdict(settings):
        raise ValueError("built for another corpus or settings")
    return payload, digest


def _checked(path, key, settings):
    """The models in a cache file, validated unless this exact content was validated before.

    The checksum catches damage in storage; :meth:`Models.validate` catches a file that is
    whole but wrong (written by a bug, or by hand). Validating walks every state, tens of
    milliseconds, so a ``.ok`` file beside the cache records the sha256 of the content that
    passed, and the same content is not walked again.
    """
    payload, digest = _read_cache(path, key, settings)
    models = Models(payload)
    ok = str(path) + ".ok"
    try:
        with open(ok, "rb") as f:
            if f.read() == digest:
                return models
    except OSError:
        pass
    models.validate()
    _write_atomic(ok, digest)
    return models


def _write_atomic(path, data):
    from .files import write_atomic

    try:
        write_atomic(path, data)
    except OSError:
        pass  # only a speed-up is lost


def _write_cache(path, payload):
    from .files import write_atomic

    body = dumps(payload)
    digest = hashlib.sha256(body).digest()
    write_atomic(path, _MAGIC + digest + body, sync=True)
    return digest


def cached_models(corpus_sha256, settings=ModelSettings(), *, version):
    """The cached models for a corpus of this content hash, or None (missing or unusable)."""
    from .resources import cache_path

    key = cache_key(corpus_sha256, settings, version)
    try:
        return _checked(os.path.join(cache_path(), f"model-{key[:32]}.bin"), key, settings)
    except Exception:  # load_models rebuilds it, and says why
        return None


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
            return _checked(path, key, settings)
        except Exception as exc:  # any damage at all means: rebuild
            if warn is not None:
                warn(f"{path}: damaged model cache ({exc}); rebuilding it")
    payload = build_payload(corpus, settings, cache_key=key)
    models = Models(payload)
    # Checked once as built, so every later load of this content can skip it.
    models.validate()
    try:
        _write_atomic(str(path) + ".ok", _write_cache(path, payload))
    except OSError as exc:
        if warn is not None:
            warn(f"{path}: cannot write model cache ({exc.strerror}); continuing without it")
    return models
