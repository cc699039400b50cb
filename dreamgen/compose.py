"""Compose dreams: pick the cast, then write each beat from grammar and Markov sentences."""

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace

from .errors import CorpusError
from .grammar import MARKUP, Expander, RuleSyntaxError, TracingExpander, compile_rule
from .markov import FILTERS, Candidate, normalise
from .markov.filters import DREAM_FILTERS, TEXT_FILTERS, first_failure, phrases
from .rng import check_seed, dream_random
from .settings import (DEFAULT_CORPUS_WEIGHT, DEFAULT_LENGTH, DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS,
                       DEFAULT_TRIES, Settings)
from .text import FUNCTION_WORDS, THEY, said_twice, says_series, series, split_sentences
from .version import __version__

__all__ = ["DEFAULT_CORPUS_WEIGHT", "BeatText", "Dream", "Dreamer", "GrammarTrace", "MarkovTrace",
           "Sentence", "Settings", "cast_lexicons", "entry_head", "said_elsewhere"]

# Tries at a beat's grammar sentences before keeping ones that echo the corpus.
GRAMMAR_TRIES = 20
# The first tries of a beat also may not say again five words in a row the dream has said
# ("like sap rising in spring" in the wish and again in the renewal); later ones may, so a
# small grammar still ends.
GRAMMAR_ECHO_TRIES = 10
GRAMMAR_ECHO_WORDS = 5
# Who and what a dream is about: naming them again is a reference, not a second description.
_NAMED_CAST = frozenset({"fallen", "witnesses", "flowers"})
_CAST_PUSH = re.compile(r"\[(\w+):#(\w+)#\]")
# Not what falls: other dreams' fallen things make fine similes ("like a spoon on crystal").
_CAST_HEADS = frozenset({"witnesses", "water", "flowers"})
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True)
class GrammarTrace:
    """How the grammar wrote a beat, of which this sentence is number ``sentence`` (from 0)."""

    steps: tuple  # of expand.Step for the whole beat; the first is its entry symbol
    sentence: int
    variables: dict  # the pushed variables (the cast) in force when the beat began


@dataclass(frozen=True)
class MarkovTrace:
    """How a Markov sentence was made: the walk, cast tags unexpanded, and its chain."""

    template: tuple  # of words, as the chain gave them
    chain: str  # the beat chain walked
    walks: int  # walks taken, this one included
    steps: tuple  # of expand.Step: its cast tags expanded


@dataclass(frozen=True)
class Sentence:
    """One sentence of a dream and where it came from (``grammar`` or ``markov``).

    ``trace`` is a GrammarTrace or MarkovTrace when the dream was made with ``trace=True``.
    """

    text: str
    beat: str
    origin: str
    trace: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class BeatText:
    """One beat of one dream."""

    name: str
    sentences: tuple

    @property
    def text(self):
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Dream:
    """One dream: its seed (dream number), beats in arc order, and what made it.

    ``paragraphs`` is how many beats each paragraph holds; ``()`` is one paragraph a beat.
    """

    seed: int
    beats: tuple
    cast: dict = field(compare=False)
    grammar_sha256: str = ""
    corpus_sha256: str = ""
    version: str = __version__
    length: str = DEFAULT_LENGTH
    paragraphs: tuple = ()
    title: str = ""

    @property
    def text(self):
        if not self.paragraphs:
            return "\n\n".join(b.text for b in self.beats)
        paras, at = [], 0
        for n in self.paragraphs:
            paras.append(" ".join(b.text for b in self.beats[at:at + n]))
            at += n
        return "\n\n".join(paras)

    def to_dict(self):
        """The JSON record: seed, title, length, cast, text, beats, and the hashes that
        reproduce it."""
        return {
            "seed": self.seed,
            "title": self.title,
            "length": self.length,
            "cast": dict(self.cast),
            "text": self.text,
            "beats": [{"name": b.name, "text": b.text} for b in self.beats],
            "grammar_sha256": self.grammar_sha256,
            "corpus_sha256": self.corpus_sha256,
            "version": self.version,
        }


class Dreamer:
    """A loaded grammar, arc and model, ready to write dream after dream.

    >>> dreamer = Dreamer.load()
    >>> dreamer.dream(42).beats[0].text
    'I am dreaming. You are dreaming.'
    """

    def __init__(self, grammar, arc, models, corpus_sha256, settings=Settings(), corpus=None):
        self.grammar = grammar
        self.arc = arc
        self.models = models
        # The corpus itself is needed only to explain Markov sentences or measure novelty, so
        # a warm start keeps a loader and reads it on first use.
        self._corpus = corpus
        self.corpus_sha256 = corpus_sha256
        self.settings = settings
        self.grammar_sha256 = _grammar_sha256(grammar, arc)
        # Counted for `dreamgen stats`; plain integer adds cost nothing measurable.
        self.markov_attempts = 0
        self.markov_accepted = 0
        self.rejections = Counter()  # filter name (or "walk", "repeat") -> candidates refused
        self._forbidden = {b.name: arc.forbidden(b.name) for b in arc.beats}
        # A once-only motif that starts at a beat is spent only from there: "a hush falls" in
        # the omen is not the fall.
        self._beat_at = {name: i for i, name in enumerate(arc.names)}
        self._once = [(frozenset(m.words), self._beat_at.get(m.first, 0))
                      for m in arc.motifs if m.once]
        self._told = [frozenset(m.words) for m in arc.motifs if m.told]
        self._said_in = {}  # beat -> the words of the motifs its grammar always tells
        self._once_in = {}  # beat -> the motifs one sentence of it may say
        for m in arc.motifs:
            if m.said_in:
                self._said_in.setdefault(m.said_in, set()).update(m.words)
            if m.once_in:
                self._once_in.setdefault(m.once_in, []).append(frozenset(m.words))
        self._foreign = None  # see _cast_heads

    @property
    def corpus(self):
        """The :class:`~dreamgen.corpus.Corpus` the model was built from (read on first use)."""
        if isinstance(self._corpus, _CorpusLoader):
            self._corpus = self._corpus()
        return self._corpus

    @classmethod
    def load(cls, grammars=(), corpora=(), *, settings=Settings(), builtin_corpus=True,
             user_overlays=True, use_cache=True, warn=None):
        """Load the built-in grammar (plus overlays, in order) and corpus (plus ``corpora``).

        With ``use_cache`` a load whose grammar files and corpus were seen before takes the
        parsed grammar and compiled chains from the cache (see :mod:`dreamgen.cache`).
        """
        from . import cache

        inputs = cache.Inputs(grammars, corpora, builtin_corpus=builtin_corpus,
                              user_overlays=user_overlays,
                              max_grammar_bytes=settings.max_grammar_bytes,
                              max_corpus_bytes=settings.max_corpus_bytes,
                              overlay_weight=settings.overlay_weight, digests=use_cache)
        dreamer = None
        if use_cache:
            found = cache.load(inputs, settings)
            if found is not None:
                arc, grammar, models, facts = found
                dreamer = cls(grammar, arc, models, inputs.corpus_sha256, settings,
                              corpus=_CorpusLoader(inputs.corpus_sources, arc.names,
                                                   settings.max_corpus_bytes, inputs.user_from))
                dreamer._foreign = facts.get("cast_heads")
        if dreamer is None:
            dreamer = cls._load_cold(inputs, grammars, settings=settings,
                                     user_overlays=user_overlays, use_cache=use_cache, warn=warn)
        if warn is not None and corpora:
            # Said on every load, warm or cold: the user's text is what the warnings are about.
            docs = dreamer._user_documents(corpora, inputs.data)
            for said in _corpus_warnings(docs, dreamer.models, dreamer.settings.corpus_weight):
                warn(said)
            barren = _probe_markov(dreamer, docs, builtin=builtin_corpus)
            if barren:
                warn(barren)
        return dreamer

    def _user_documents(self, corpora, data):
        """The documents of the files ``corpora`` names, from the corpus when it is read."""
        from .corpus import corpus_files, read_document

        paths = [str(f) for c in corpora for f in corpus_files(c)]
        if not isinstance(self._corpus, _CorpusLoader):
            return [d for d in self._corpus.documents if d.path in paths]
        return [read_document(p, beats=self.arc.names, data=data.get(p),
                              max_bytes=self.settings.max_corpus_bytes) for p in paths]

    @classmethod
    def _load_cold(cls, inputs, grammars, *, settings, user_overlays, use_cache, warn):
        from . import cache
        from .corpus import read_corpus
        from .corpus_lint import tag_names, variables
        from .grammar.load import load_grammar

        # Each file is parsed from the bytes inputs read and hashed: read once, keyed right.
        if use_cache:
            inputs.read_all()
        arc, grammar = load_grammar(grammars, user_overlays=user_overlays,
                                    max_bytes=settings.max_grammar_bytes, data=inputs.data,
                                    overlay_weight=settings.overlay_weight)
        if not inputs.corpus_sources:
            raise CorpusError("no corpus given")
        corpus = read_corpus(inputs.corpus_sources, beats=arc.names,
                             max_bytes=settings.max_corpus_bytes, data=inputs.data,
                             user_from=inputs.user_from)
        known = tag_names(grammar)
        _check_corpus_tags(corpus, known, variables(grammar))
        models = cache.load_models(corpus, arc.names, settings.model, use_cache=use_cache,
                                   warn=warn)
        dreamer = cls(grammar, arc, models, corpus.sha256, settings,
                      corpus=corpus)
        # Only a load that passed every check is remembered for warm starts.
        if use_cache:
            cache.save(inputs, arc, grammar, {"known": known, "cast_heads": dreamer._cast_heads()},
                       corpus.sha256, settings)
        return dreamer

    def dream(self, seed, trace=False, length=DEFAULT_LENGTH):
        """Dream number ``seed``: the same number always gives the same dream.

        With ``trace=True`` every sentence also carries its ``trace`` (the same text, slower);
        a list as ``trace`` also receives every step of the dream, the cast's included.
        ``length`` (``micro``, ``short`` or ``full``) picks the beats and short forms that
        the arc file gives that length.
        """
        arc_beats, paragraphs = self.arc.at_length(length)
        rng = dream_random(check_seed(seed))
        steps = trace if isinstance(trace, list) else ([] if trace else None)
        exp = (TracingExpander if trace else Expander)(self.grammar, rng, self.settings.limits,
                                                       trace=steps)
        exp.symbol(self.arc.cast)
        cast = exp.variables()
        own = {w.lower() for v in cast.values() if isinstance(v, str) for w in v.split()}
        foreign = self._cast_heads() - own
        said = set()  # phrases of the dream so far, which no Markov sentence may echo
        said_long = set()  # their runs of GRAMMAR_ECHO_WORDS, which grammar sentences avoid
        shown = {normalise(w) for v in cast.values() if isinstance(v, str) for w in v.split()}
        cast_forms = frozenset(shown)
        spent = set()  # words of the once-only motifs the dream has said
        # Who "they" are: the witnesses' head noun, and whether the beat before named them.
        # Named only beats ago, they are out of frame: "The whole dream seems to lean in with
        # them" in the touch, four beats after the grief, has nobody to lean with.
        who = cast.get("witnesses")
        who = normalise(who.split()[-1]) if isinstance(who, str) and who.strip() else None
        named_before = False
        # Each "told" motif: the words a Markov sentence may not say yet, and what in this
        # dream's text says it (a tag's words as the cast fills it in), until the dream has
        # said it. A sentence that names the tag names it first: "Beyond the #water#" tells
        # the water that "It rolls over the water to you" needs.
        untold = [(frozenset(t for t in m if not t.startswith("#")),
                   m | {normalise(entry_head(str(cast[v]))) for v in
                           {t.strip("#").split(".")[0] for t in m if t.startswith("#")}
                           if str(cast.get(v, "")).strip()})
                  for m in self._told]
        beats = []
        novel, repeatable = self.models.novelty.is_novel, self.models.repeatable
        for beat in arc_beats:
            for attempt in range(GRAMMAR_TRIES):
                if trace:
                    start, variables = len(steps), exp.variables()
                parts = split_sentences(exp.symbol(beat.entry))
                # A cast drawn from the corpus's own can rebuild a vignette's phrase; no
                # sentence of a dream may share a run of eight words with the corpus.
                # Nor, in those first tries, say a word twice where a reader would stop.
                if all(novel(p.split()) for p in parts) and (
                        attempt >= GRAMMAR_ECHO_TRIES or not _echoes(parts, said_long)
                        and not any(said_twice(p, repeatable) for p in parts)):
                    break
            if trace:
                made = tuple(steps[start:])
                sentences = [Sentence(s, beat.name, "grammar", GrammarTrace(made, i, variables))
                             for i, s in enumerate(parts)]
            else:
                sentences = [Sentence(s, beat.name, "grammar") for s in parts]
            # What a Markov sentence may lean on only after the sentence of this beat that
            # first says it: the witnesses, a told motif, a thing of the scene.
            shown_before, untold_before = set(shown), untold
            for s in sentences:
                said |= phrases(s.text)
                said_long |= phrases(s.text, GRAMMAR_ECHO_WORDS)
                shown.update(normalise(w) for w in s.text.split())
                self._spend(s.text, spent, beat.name)
                untold = _tell(s.text, untold)
            spent |= self._said_in.get(beat.name, set())
            # What this beat has said, which its Markov sentences may not name again.
            beat_said = {f for s in sentences for f in _forms(s.text)} - cast_forms
            # The cast its grammar has described here ("in oilskins and knitted caps"), which a
            # Markov sentence of the beat would only describe again.
            text = " ".join(s.text for s in sentences)
            described = frozenset(f"#{name}#" for name, value in cast.items()
                                  if name not in _NAMED_CAST and isinstance(value, str)
                                  and value.strip() and value in text)
            once_in = self._once_in.get(beat.name, ())
            for _ in range(beat.markov):
                people = None if who is None else (
                    named_before or _first(sentences, {who}) is not None)
                # What the beat has said, less the cast's words ("river guides" guide nobody).
                here = spent.union(*(m for m in once_in if m & beat_said)) if once_in else spent
                text, how = self._markov(beat.name, rng, exp, said, here, steps, foreign,
                                         shown=shown, people=people,
                                         untold=frozenset().union(*(m for m, _ in untold)),
                                         beat_said=beat_said, described=described)
                if text is not None:
                    if here is not spent:
                        self._spend(text, spent, beat.name)
                    forms = _forms(text)
                    needs = [says for m, says in untold_before if forms & says]
                    # (forms & local) first: local is thousands of words, forms a dozen.
                    needs += [{f} for f in (forms & self.models.local) - shown_before
                              - FUNCTION_WORDS]
                    if not named_before and who is not None and forms & (THEY | {who}):
                        needs.append({who})
                    # "Each beat is fainter than the last" after the heartbeat it counts.
                    noun = series(text)
                    if noun:
                        needs.append(says_series(beat_said, noun))
                    # After the beat's opening sentence and all it leans on.
                    found = (_first(sentences, n) for n in needs)
                    first = 1 + max((i for i in found if i is not None), default=0)
                    if not sentences:
                        at = 0
                    elif beat.markov_at == "opening":
                        at = first
                    elif beat.markov_at == "closing":
                        at = len(sentences)
                    else:
                        at = first + rng.index(len(sentences) - first + 1)
                    sentences.insert(at, Sentence(text, beat.name, "markov", how))
                    beat_said |= forms - cast_forms
                    untold = _tell(text, untold)
            named_before = who is not None and _first(sentences, {who}) is not None
            beats.append(BeatText(beat.name, tuple(sentences)))
        return Dream(seed, tuple(beats), cast, self.grammar_sha256, self.corpus_sha256,
                     length=length, paragraphs=paragraphs,
                     title=self.arc.title(cast) or f"Dream {seed}")

    def dreams(self, start, count, length=DEFAULT_LENGTH):
        """Dreams ``start`` to ``start + count - 1``, one at a time."""
        for seed in range(start, start + count):
            yield self.dream(seed, length=length)

    def _cast_heads(self):
        """The nouns the cast lists offer for who watches, the water and the flowers, less
        those the rest of the grammar says anyway ("flowers", "pond"): in a Markov sentence
        each belongs to another dream ("the beekeepers" among net-menders). A few are verbs
        too ("guides"), which costs a walk now and then. Made on first use (5 ms) and kept in
        the grammar bundle: a change to how they are found bumps ``bundle.BUNDLE_FORMAT``."""
        if self._foreign is None:
            g = self.grammar
            sources = {sym for name, sym in cast_lexicons(g, self.arc) if name in _CAST_HEADS}
            said = said_elsewhere(g, self.arc, sources)
            heads = {entry_head(alt) for sym in sources for alt in g.rules.get(sym, ())
                     if "#" not in alt and alt.strip()}
            self._foreign = frozenset(heads - said)
        return self._foreign

    def _spend(self, text, spent, beat):
        """Add the words of every once-only motif ``text`` says in ``beat`` to ``spent``."""
        if self._once:
            words = {normalise(w) for w in text.split()}
            at = self._beat_at.get(beat, 0)
            for motif, first in self._once:
                if first <= at and words & motif:
                    spent |= motif

    def _markov(self, beat, rng, exp, said, spent, steps=None, foreign=frozenset(),
                filters=None, shown=None, people=None, untold=frozenset(),
                beat_said=frozenset(), described=frozenset()):
        """A new Markov sentence for ``beat`` and, when ``steps`` is a list, its trace.

        Drawn from the beat's pool (see Models.sample_pools), an opening evenly and then one
        sentence of it (Models.openings), through the filters that need the dream; a beat with
        no pool, or given ``filters``, walks its chain.
        """
        models, s = self.models, self.settings
        forbidden = self._forbidden.get(beat, frozenset())
        # Drawn only where the user's text is, so a dream without it says what it always has.
        own = models.has_own(beat) and rng.random() * (1 + s.corpus_weight) >= 1
        # The pools hold sentences of the default lengths; other lengths are walked for.
        pooled = filters is None and (s.min_words, s.max_words) == (DEFAULT_MIN_WORDS,
                                                                    DEFAULT_MAX_WORDS)
        pool = models.pool(beat) if pooled else ()
        # Half the tries draw from the user's text; a beat it cannot write falls back.
        mine = models.pool(beat, own=True) if pooled and own else ()
        openings = models.openings(beat) if pool else ()
        openings_mine = models.openings(beat, own=True) if mine else ()
        if filters is None:
            filters = DREAM_FILTERS if pool else FILTERS
        for walks in range(1, s.markov_tries + 1):
            self.markov_attempts += 1
            if pool:
                draw = mine if mine and 2 * walks <= s.markov_tries else pool
                groups, upto = openings_mine if draw is mine else openings
                opening = groups[bisect_right(upto, rng.index(upto[-1]))]
                ids = draw[opening[rng.index(len(opening))]]
            else:
                # Half the tries walk the user's text; a beat it cannot write falls back.
                ids = models.walk_ids(beat, rng, s.min_words, s.max_words,
                                      own and 2 * walks <= s.markov_tries)
            if ids is None:
                self.rejections["walk"] += 1
                continue
            words = models.words(ids)
            candidate = Candidate(words, ids, beat, models, forbidden, s.min_words, s.max_words,
                                  said, rng, spent, foreign=foreign, shown=shown,
                                  people=people, untold=untold, beat_said=beat_said,
                                  described=described)
            failed = first_failure(candidate, filters)
            if failed is not None:
                self.rejections[failed.__name__] += 1
                continue
            joined = " ".join(words)
            if MARKUP.search(joined) is None:
                rule = (joined,)  # what compile_rule makes of text without markup
            else:
                try:
                    rule = compile_rule(joined)
                except RuleSyntaxError:
                    self.rejections["markup"] += 1
                    continue
            start = None if steps is None else len(steps)
            candidate.expanded = text = exp.rule(rule, 1, beat)
            failed = first_failure(candidate, TEXT_FILTERS)
            if failed is not None:
                self.rejections[failed.__name__] += 1
                if steps is not None:
                    del steps[start:]
                continue
            said |= phrases(text)
            if shown is not None:
                shown.update(normalise(w) for w in text.split())
            self._spend(text, spent, beat)
            self.markov_accepted += 1
            if steps is None:
                return text, None
            return text, MarkovTrace(tuple(words), beat, walks, tuple(steps[start:]))
        return None, None


def _forms(text):
    return {normalise(w) for w in text.split()}


def _tell(text, untold):
    """``untold`` less the motifs ``text`` says."""
    if not untold:
        return untold
    forms = _forms(text)
    return [(m, says) for m, says in untold if not forms & says]


def _first(sentences, words):
    """The index of the first of ``sentences`` that says one of ``words``, or None."""
    for i, s in enumerate(sentences):
        if words & _forms(s.text):
            return i
    return None


def _echoes(parts, said):
    """Whether sentences ``parts`` say a run of GRAMMAR_ECHO_WORDS words twice, or one that is
    in ``said`` already."""
    seen = set(said)
    for p in parts:
        runs = phrases(p, GRAMMAR_ECHO_WORDS)
        if runs & seen:
            return True
        seen |= runs
    return False


def cast_lexicons(grammar, arc):
    """``[(variable, symbol)]``: the lexicon the cast draws each of its variables from."""
    return _CAST_PUSH.findall(" ".join(grammar.rules.get(arc.cast, ())))


def said_elsewhere(grammar, arc, symbols):
    """The lower-case words of every rule but the cast's and those of ``symbols``."""
    rest = " ".join(r for sym, rules in grammar.rules.items()
                    if sym not in symbols and sym != arc.cast for r in rules)
    return set(_WORD.findall(rest.lower()))


def entry_head(entry):
    """A cast entry's head noun: "fjord" of "frozen fjord", "spindle" of "spindle of thread"."""
    return entry.split(" of ")[0].split()[-1].lower()


def _grammar_sha256(grammar, arc):
    """The digest a dream records: the layered rules and the arc that orders them."""
    import hashlib

    arc_part = "|".join(f"{b.name}:{b.entry}:{b.markov}" for b in arc.beats)
    # The short lengths' beats and entries change what micro and short dreams say.
    arc_part += f"|{arc.lengths!r}|{arc.title_template}"
    return hashlib.sha256(f"{grammar.sha256}|{arc.cast}|{arc_part}".encode()).hexdigest()


class _CorpusLoader:
    """Reads the corpus when a warm-started Dreamer first needs it."""

    def __init__(self, sources, beats, max_bytes, user_from):
        self.sources, self.beats, self.max_bytes = sources, beats, max_bytes
        self.user_from = user_from

    def __call__(self):
        from .corpus import read_corpus

        return read_corpus(self.sources, beats=self.beats, max_bytes=self.max_bytes,
                           user_from=self.user_from)


def _check_corpus_tags(corpus, known, cast=()):
    """Raise the first unknown tag, unknown modifier or unbalanced '#' in the corpus."""
    from .corpus_lint import tag_names, tag_problems, variables

    if not isinstance(known, (set, frozenset)):
        known, cast = tag_names(known), variables(known)  # a Grammar
    for para in corpus.paragraphs():
        for problem in tag_problems(para, known, cast):
            raise CorpusError(problem.message, path=problem.path, line=problem.line,
                              column=problem.column, symbol=problem.symbol)


def _corpus_warnings(docs, models, weight):
    """One line for each of the user's files that adds little at --corpus-weight ``weight``,
    and one for each that has first-person sentences left out."""
    from .corpus_lint import beat_sentences, contribution, typical_beat

    counts = beat_sentences(models)
    for doc in docs:
        said = contribution(doc, counts, weight=weight).warning(typical_beat(counts))
        if said:
            yield said
        out = [r for r in doc.rewrites if r.text is None]
        if out:
            first = out[0]
            yield (f"{doc.path}:{first.line}:{first.column}: {len(out):,} first-person "
                   f"sentence{'s' * (len(out) != 1)} left out, as they cannot be turned to "
                   f"'you' safely (this one: {first.reason}); run 'dreamgen check {doc.path}' "
                   "for each")


def _probe_markov(dreamer, docs, *, builtin):
    """A warning when the model cannot make one usable sentence (markovify would return None),
    else None: dreams still go on, each beat from its grammar alone. ``docs``: the user's
    corpus files, beside the built-in corpus if ``builtin``."""
    beats = [b.name for b in dreamer.arc.beats if b.markov]
    if not beats:
        return None
    # A beat with no corpus text of its own has no chain and gets no Markov sentences.
    beats = [b for b in beats if b in dreamer.models.chains] or beats
    s = dreamer.settings
    # At least the default tries: fewer make dreaming faster, not the corpus unusable.
    tries = max(s.markov_tries, DEFAULT_TRIES)
    probe = Dreamer(dreamer.grammar, dreamer.arc, dreamer.models, dreamer.corpus_sha256,
                    replace(s, markov_tries=tries))
    rng = dream_random(0)
    exp = Expander(dreamer.grammar, rng, s.limits)
    exp.symbol(dreamer.arc.cast)
    # Whether the chain can make a sentence at all, walked as a dream walks a beat with no pool.
    if probe._markov(beats[0], rng, exp, set(), set(), filters=FILTERS)[0] is not None:
        return None
    where = docs[0].path if len(docs) == 1 and not builtin else "the corpus"
    if not builtin and not any(p.beat is not None for d in docs for p in d.paragraphs):
        # A beat's chain says only the words that beat's tagged paragraphs use.
        return (f"{where}: untagged text alone gives the Markov chains no words to say, so "
                "dreams are written by the grammar alone; 'dreamgen tag FILE' marks its "
                "paragraphs with ':: beat' lines for you, or dream with the built-in corpus "
                "beside it, which places them itself")
    return (f"{where}: too small for the Markov chain to make a new sentence of beat "
            f"{beats[0]!r} (none passed its filters in {tries:,} tries at state size "
            f"{s.model.state_size}); beats whose Markov sentences cannot be made are written by "
            "the grammar alone; add tagged text, or lower --state-size")
