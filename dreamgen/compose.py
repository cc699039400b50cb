"""Compose dreams: pick the cast, then write each beat from grammar and Markov sentences."""

import re
from dataclasses import dataclass, field

from . import __version__
from .corpus import DEFAULT_MAX_CORPUS_BYTES
from .errors import CorpusError, GrammarError
from .expand import Expander, Limits
from .grammar import DEFAULT_MAX_GRAMMAR_BYTES, RuleSyntaxError, compile_rule
from .model import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, DEFAULT_TRIES, ModelSettings
from .rng import dream_random

__all__ = ["FIRST_PERSON", "YOU", "BeatText", "Dream", "Dreamer", "Sentence", "Settings", "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z#])")
YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
# Hyphens count as word characters here, so "forget-me-nots" is not a narrator.
FIRST_PERSON = re.compile(r"(?<![\w-])(?:I|me|my|mine|myself|we|us|our|ours|ourselves)(?![\w-])")
_WELL_ENDED = re.compile(r"[^\W_][.!?]$")
_CORPUS_TAG = re.compile(r"#([^#\s]*)#")
_MARKUP = re.compile(r"[#\[\]\\]")


def split_sentences(text):
    """Split a beat's text into sentences at ``. ! ?`` followed by a capital."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


@dataclass(frozen=True)
class Settings:
    """Every setting that changes what a dream says, with defaults."""

    model: ModelSettings = ModelSettings()
    limits: Limits = Limits()
    markov_tries: int = DEFAULT_TRIES
    min_words: int = DEFAULT_MIN_WORDS
    max_words: int = DEFAULT_MAX_WORDS
    max_grammar_bytes: int = DEFAULT_MAX_GRAMMAR_BYTES
    max_corpus_bytes: int = DEFAULT_MAX_CORPUS_BYTES


@dataclass(frozen=True)
class Sentence:
    """One sentence of a dream and where it came from (``grammar`` or ``markov``)."""

    text: str
    beat: str
    origin: str


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
    """One dream: its seed (dream number), beats in arc order, and what made it."""

    seed: int
    beats: tuple
    cast: dict = field(compare=False)
    grammar_sha256: str = ""
    corpus_sha256: str = ""
    version: str = __version__

    @property
    def text(self):
        return "\n\n".join(b.text for b in self.beats)

    def to_dict(self):
        """The JSON record: seed, text, beats, and the hashes that reproduce it."""
        return {
            "seed": self.seed,
            "text": self.text,
            "beats": [{"name": b.name, "text": b.text} for b in self.beats],
            "grammar_sha256": self.grammar_sha256,
            "corpus_sha256": self.corpus_sha256,
            "version": self.version,
        }


def markov_fits(words):
    """True when a Markov sentence reads as a whole sentence addressed to you."""
    text = " ".join(words)
    first = words[0]
    starts = first[:1].isupper() or (first.startswith("#") and ".capitalize" in first)
    return (starts and _WELL_ENDED.search(text) is not None and YOU.search(text) is not None
            and FIRST_PERSON.search(text) is None)


class Dreamer:
    """A loaded grammar, arc and model, ready to write dream after dream.

    >>> dreamer = Dreamer.load()
    >>> dreamer.dream(42).beats[0].text
    'I am dreaming. You are dreaming.'
    """

    def __init__(self, grammar, arc, models, corpus_sha256, settings=Settings()):
        self.grammar = grammar
        self.arc = arc
        self.models = models
        self.corpus_sha256 = corpus_sha256
        self.settings = settings
        self.grammar_sha256 = grammar.sha256

    @classmethod
    def load(cls, grammars=(), corpora=(), *, settings=Settings(), builtin_corpus=True,
             user_overlays=True, use_cache=True, warn=None):
        """Load the built-in grammar (plus overlays, in order) and corpus (plus ``corpora``).

        With ``use_cache`` a load whose grammar files and corpus were seen before takes the
        parsed grammar and compiled chains from the cache (see :mod:`dreamgen.bundle`).
        """
        from . import bundle

        inputs = bundle.Inputs(grammars, corpora, builtin_corpus=builtin_corpus,
                               user_overlays=user_overlays,
                               max_grammar_bytes=settings.max_grammar_bytes,
                               max_corpus_bytes=settings.max_corpus_bytes)
        if use_cache:
            found = bundle.load(inputs, settings)
            if found is not None:
                arc, grammar, models = found
                return cls(grammar, arc, models, inputs.corpus_sha256,
                           settings)._with_digest(grammar.sha256)
        return cls._load_cold(inputs, corpora, settings=settings, builtin_corpus=builtin_corpus,
                              use_cache=use_cache, warn=warn)

    @classmethod
    def _load_cold(cls, inputs, corpora, *, settings, builtin_corpus, use_cache, warn):
        from . import bundle
        from .arc import apply_arc_overlay, load_arc
        from .corpus import read_corpus
        from .grammar import build_grammar, read_layer
        from .model import load_models
        from .resources import builtin_dir

        arc = load_arc(inputs.arc_path)
        layers = [read_layer(p, max_bytes=settings.max_grammar_bytes) for p in inputs.layer_paths]
        for layer in layers:
            if layer.arc is not None:
                arc = apply_arc_overlay(arc, layer.arc, path=layer.path)
        grammar = build_grammar(layers, roots=arc.roots(), persistent=(arc.cast,))
        for beat in arc.beats:
            if beat.entry not in grammar.rules:
                raise GrammarError(f"beat {beat.name!r} needs its entry symbol {beat.entry!r}, "
                                   "which no grammar file defines", path=arc.path,
                                   symbol=beat.entry, beat=beat.name)
        if arc.cast not in grammar.rules:
            raise GrammarError(f"the cast symbol {arc.cast!r} is not defined", path=arc.path,
                               symbol=arc.cast)
        sources = ([builtin_dir("corpus")] if builtin_corpus else []) + list(corpora)
        if not sources:
            raise CorpusError("no corpus given")
        corpus = read_corpus(sources, beats=arc.names, max_bytes=settings.max_corpus_bytes)
        known = _tag_names(grammar)
        _check_corpus_tags(corpus, known)
        models = load_models(corpus, settings.model, version=__version__, use_cache=use_cache,
                             warn=warn)
        if use_cache and inputs.usable and len(inputs.layer_paths) == len(layers):
            bundle.save(inputs, arc, grammar, known)
        return cls(grammar, arc, models, corpus.sha256, settings)._with_digest(grammar.sha256)

    def _with_digest(self, digest):
        import hashlib

        arc_part = "|".join(f"{b.name}:{b.entry}:{b.markov}" for b in self.arc.beats)
        self.grammar_sha256 = hashlib.sha256(
            f"{digest}|{self.arc.cast}|{arc_part}".encode()).hexdigest()
        return self

    def dream(self, seed):
        """Dream number ``seed``: the same number always gives the same dream."""
        rng = dream_random(seed)
        exp = Expander(self.grammar, rng, self.settings.limits)
        exp.symbol(self.arc.cast)
        cast = exp.variables()
        used = set()
        beats = []
        for beat in self.arc.beats:
            sentences = [Sentence(s, beat.name, "grammar")
                         for s in split_sentences(exp.symbol(beat.entry))]
            for _ in range(beat.markov):
                text = self._markov(beat.name, rng, exp, used)
                if text is not None:
                    # After the beat's opening sentence, somewhere among the rest.
                    at = 1 + rng.index(len(sentences)) if sentences else 0
                    sentences.insert(at, Sentence(text, beat.name, "markov"))
            for s in sentences:
                used.add(s.text)
            beats.append(BeatText(beat.name, tuple(sentences)))
        return Dream(seed, tuple(beats), cast, self.grammar_sha256, self.corpus_sha256)

    def dreams(self, start, count):
        """Dreams ``start`` to ``start + count - 1``, one at a time."""
        for seed in range(start, start + count):
            yield self.dream(seed)

    def _markov(self, beat, rng, exp, used):
        models, s = self.models, self.settings
        vocab = models.vocab
        for _ in range(s.markov_tries):
            ids = models.walk_ids(beat, rng, s.max_words)
            if not ids or len(ids) < s.min_words:
                continue
            words = [vocab[i] for i in ids]
            if not markov_fits(words) or not models.is_novel_ids(ids):
                continue
            joined = " ".join(words)
            if _MARKUP.search(joined) is None:
                rule = (joined,)  # what compile_rule makes of text without markup
            else:
                try:
                    rule = compile_rule(joined)
                except RuleSyntaxError:
                    continue
            text = exp.rule(rule, 1, beat)
            if text not in used:
                used.add(text)
                return text
        return None


def _tag_names(grammar):
    """Every name a corpus tag may use: the grammar's symbols and every pushed variable."""
    known = set(grammar.rules)
    for rules in grammar.compiled.values():
        for rule in rules:
            for item in rule:
                if getattr(item, "kind", None) == "push":
                    known.add(item.target)
    return known


def _check_corpus_tags(corpus, known):
    if not isinstance(known, (set, frozenset)):
        known = _tag_names(known)  # a Grammar
    for para in corpus.paragraphs():
        for m in _CORPUS_TAG.finditer(para.text):
            name = m.group(1).split(".")[0]
            if name not in known:
                raise CorpusError(f"unknown tag #{m.group(1)}#: no grammar symbol or cast "
                                  f"variable {name!r}", path=para.path, line=para.line,
                                  symbol=name)
        if para.text.count("#") % 2:
            raise CorpusError("unbalanced '#' in a paragraph", path=para.path, line=para.line)
