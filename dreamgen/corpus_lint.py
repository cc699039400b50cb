"""Check a corpus file for ``dreamgen check``, and measure how much a file adds to a corpus.

Every finding is a :class:`~dreamgen.grammar.Problem` at ``FILE:LINE:COL``: an unknown
``:: beat`` or tag (with a did-you-mean), an unbalanced ``#``, a sentence the model will not
learn from and why, and, as a note, each first-person sentence and how it will be read. The
same measure, :func:`contribution`, decides the warning ``generate`` gives a file that adds
little.
"""

from dataclasses import dataclass

from .corpus import read_document
from .errors import CorpusError, did_you_mean
from .files import read_limited
from .grammar import MODIFIERS, TAG, Problem
from .markov.build import sentences
from .markov.chain import BEGIN
from .settings import (DEFAULT_MAX_CORPUS_BYTES, DEFAULT_MIN_OWN_WORDS, DEFAULT_MIN_SHARE,
                       DEFAULT_MIN_WORDS, DEFAULT_STATE_SIZE)
from .text import FIRST_PERSON, sentence_spans

__all__ = ["DEFAULT_MIN_OWN_WORDS", "DEFAULT_MIN_SHARE", "Contribution", "CorpusReport", "beat_sentences", "check_file",
           "contribution", "tag_names", "tag_problems", "typical_beat",
           "variables"]

# Words a sentence has when the file has none to measure by: the built-in corpus's mean.
_MEAN_WORDS = 12.6


def tag_names(grammar):
    """Every name a corpus tag may use: the grammar's symbols and every pushed variable."""
    return set(grammar.rules) | variables(grammar)


def variables(grammar):
    """The variables the grammar pushes: the cast (``fallen``, ``scent`` ...)."""
    return {item.target for rules in grammar.compiled.values() for rule in rules
            for item in rule if getattr(item, "kind", None) == "push"}


def tag_problems(para, known, cast=()):
    """Each unknown tag or modifier in ``para`` (a :class:`~dreamgen.corpus.Paragraph`), and an
    unbalanced ``#``, as errors. ``cast``: the variables a corpus tag is most likely meant to
    be (see :func:`variables`), listed when no name is close."""
    paired = []
    for m in TAG.finditer(para.text):
        paired.append((m.start(), m.end()))
        name, *mods = m.group(1).split(".")
        line, col = para.position(m.start())
        if name not in known:
            # A corpus tag is meant to be the cast nearly always: "#smell#" is "#scent#", not
            # whichever of hundreds of symbols is spelled most like it.
            hint = did_you_mean(name, cast) or (
                f" (the cast: {', '.join(sorted(cast))})" if cast else
                did_you_mean(name, known))
            yield Problem(para.path, line, col, f"unknown tag #{m.group(1)}#: no grammar symbol "
                          f"or cast variable {name!r}{hint}", symbol=name)
        for mod in mods:
            if mod.split("(")[0] not in MODIFIERS:
                yield Problem(para.path, line, col, f"unknown modifier '.{mod}' in "
                              f"#{m.group(1)}#{did_you_mean(mod, MODIFIERS, prefix='.')}",
                              symbol=name)
    if para.text.count("#") % 2:
        at = next(i for i, ch in enumerate(para.text)
                  if ch == "#" and not any(a <= i < b for a, b in paired))
        line, col = para.position(at)
        yield Problem(para.path, line, col, "unbalanced '#' in a paragraph: this '#' opens no "
                      "tag that closes (a tag is #name#)")


def beat_sentences(models):
    """``beat -> sentences`` its chain learned from."""
    return {beat: chain.tokens.count(BEGIN) for beat, chain in models.chains.items()}


def typical_beat(counts):
    """The sentences of the middle beat of ``counts`` (:func:`beat_sentences`)."""
    sizes = sorted(n for n in counts.values() if n)
    return sizes[len(sizes) // 2] if sizes else 0


@dataclass(frozen=True)
class Contribution:
    """What one file adds to a corpus: its sentences and words, the beats it tags (untagged
    sentences apart), and its share of the sentences of the beats it writes."""

    path: str
    sentences: int
    words: int
    beats: tuple
    untagged: int
    others: int  # sentences of the rest of the corpus in the beats it writes
    min_share: float = DEFAULT_MIN_SHARE
    weight: float = 0.0  # --corpus-weight; 0 when the file is one more built-in one
    min_own_words: int = DEFAULT_MIN_OWN_WORDS

    @property
    def share(self):
        return self.sentences / max(self.sentences + self.others, 1)

    @property
    def own_walks(self):
        """Whether the user's words start walks of their own (a weight of 1 or more)."""
        return self.weight >= 1

    @property
    def enough(self):
        return self.share >= self.min_share or (self.own_walks and
                                                self.words >= self.min_own_words)

    def more_words(self, others=None):
        """About how many more words would make the file count beside ``others`` sentences
        (by default those it is measured against); 0 once it does."""
        if self.own_walks and others is None:
            need = self.min_own_words - self.words
            return 0 if need <= 0 else max(10, int(round(need, -1)))
        others = self.others if others is None else others
        need = self.min_share * others / (1 - self.min_share) - self.sentences
        if need <= 0:
            return 0
        # A handful of sentences says little about the length of the rest.
        per = self.words / self.sentences if self.sentences >= 10 else _MEAN_WORDS
        return max(10, int(round(need * per, -1 if need * per < 1000 else -2)))

    def describe(self):
        """``4 sentences (57 words), untagged, 0.02% of the corpus's 21,560 sentences``."""
        where = []
        if self.beats:
            where.append("on " + ", ".join(self.beats))
        if self.untagged:
            where.append("untagged" if not self.beats else f"{self.untagged:,} untagged")
        against = ("the corpus's" if self.untagged else
                   "that beat's" if len(self.beats) == 1 else "those beats'")
        return (f"{_count(self.sentences, 'sentence')} ({_count(self.words, 'word')}), "
                f"{' and '.join(where) or 'no beat'}, {self.share:.2%} of {against} "
                f"{self.sentences + self.others:,} sentences")

    def advice(self, beat_size=None):
        """What would make the file count; ``beat_size``: the sentences of a typical beat."""
        if self.own_walks:
            return (f"at --corpus-weight {self.weight:g} a file counts from "
                    f"{self.min_own_words} words (one of 161 words gave 4 of its words in a "
                    f"row to one Markov sentence in six): add about {self.more_words():,} "
                    "words")
        tag = ""
        if self.untagged and beat_size:
            tag = (f", or tag paragraphs with ':: beat' lines (a tagged paragraph is measured "
                   f"against its beat: there about {self.more_words(beat_size):,} words count)")
        return (f"a file counts from {self.min_share:.0%} (one of 1% of the corpus was drawn on "
                f"in one dream in four): add about {self.more_words():,} words{tag}")

    def warning(self, beat_size=None):
        """One line for ``generate``, or None when the file adds enough."""
        if self.enough:
            return None
        return f"{self.path} adds little: {self.describe()}; {self.advice(beat_size)}"

    def to_dict(self):
        return {"sentences": self.sentences, "words": self.words, "beats": list(self.beats),
                "untagged": self.untagged, "share": round(self.share, 6),
                "enough": self.enough, "more_words": self.more_words()}


def contribution(doc, counts, *, included=True, min_share=DEFAULT_MIN_SHARE, weight=0.0):
    """What ``doc`` (read, reworded) adds to a corpus whose chains hold ``counts`` sentences a
    beat (:func:`beat_sentences`); ``included`` when ``counts`` are of a corpus holding it;
    ``weight``: the --corpus-weight of the user's files."""
    own, words = {}, 0
    for para in doc.paragraphs:
        for sent in sentences(para.text):
            own[para.beat] = own.get(para.beat, 0) + 1
            words += len(sent)
    untagged = own.pop(None, 0)
    n = untagged + sum(own.values())
    if untagged:
        others = sum(counts.values()) - (n if included else 0)
    else:
        others = sum(counts.get(b, 0) - (k if included else 0) for b, k in own.items())
    return Contribution(doc.path, n, words, tuple(b for b in counts if b in own) +
                        tuple(sorted(set(own) - set(counts))), untagged, max(others, 0),
                        min_share, weight)


@dataclass(frozen=True)
class CorpusReport:
    """What ``dreamgen check`` found in one corpus file, and what the file adds."""

    path: str
    problems: tuple
    added: Contribution = None  # None when the file cannot be read
    beat_size: int = None  # the sentences of a typical beat it is measured beside

    @property
    def errors(self):
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self):
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def notes(self):
        return tuple(p for p in self.problems if p.severity == "note")

    def summary(self):
        """The last line: the state, then whether the file adds enough text to matter."""
        state = _count(len(self.errors), "error") if self.errors else "ok"
        more = [_count(len(x), kind) for x, kind in ((self.warnings, "warning"),
                                                      (self.notes, "note")) if x]
        if more:
            state += " with " + ", ".join(more)
        if self.added is None:
            return f"{state}: {self.path} is not a usable corpus file"
        verdict = ("adds enough to count" if self.added.enough else
                   "adds little; " + self.added.advice(self.beat_size))
        return f"{state}: {self.path}: {self.added.describe()}; {verdict}"

    def to_dict(self):
        return {"path": self.path, "ok": not self.errors, "errors": len(self.errors),
                "warnings": len(self.warnings), "notes": len(self.notes),
                "adds": None if self.added is None else self.added.to_dict(),
                "problems": [p.to_dict() for p in self.problems], "summary": self.summary()}


def check_file(path, *, known, beats, counts, cast=(), state_size=DEFAULT_STATE_SIZE,
               max_bytes=DEFAULT_MAX_CORPUS_BYTES, weight=0.0):
    """Check one corpus file against the grammar's tag names ``known`` (``cast``: its
    variables) and the arc's ``beats``, measured beside a corpus of ``counts`` sentences a beat
    (:func:`beat_sentences`) and woven in at ``weight`` (--corpus-weight).

    A sentence of ``state_size`` words or fewer is never used: every context in it still
    holds the sentence's start, so a walk can only copy it whole, and that is too short.
    """
    path = str(path)
    problems, found = [], []
    try:
        data = read_limited(path, max_bytes, CorpusError, what="corpus file",
                            option="--max-corpus-bytes")
        written = read_document(path, beats=beats, data=data, reword=False, problems=found)
    except CorpusError as err:
        return CorpusReport(path, (_problem(err, path),))
    problems += [_problem(err, path) for err in found]
    rewrites = {(r.line, r.column): r for r in written.rewrites}
    for para in written.paragraphs:
        problems += tag_problems(para, known, cast)
        for a, b in sentence_spans(para.text):
            line, col = para.position(a)
            problems += _sentence_problems(para.text[a:b], rewrites.get((line, col)), path,
                                           line, col, state_size)
    added = None
    try:
        doc = read_document(path, beats=beats, data=data, problems=[])
    except CorpusError as err:  # nothing left once the first person is left out
        problems.append(_problem(err, path))
    else:
        added = contribution(doc, counts, included=False, weight=weight)
        if not added.sentences:
            problems.append(Problem(path, 1, 1, "no usable sentences in this corpus file: the "
                                    "Markov model learns from none of them (see the warnings)"))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return CorpusReport(path, tuple(problems), added, typical_beat(counts))


def _sentence_problems(sentence, rewrite, path, line, col, state_size):
    """Why the model will not learn ``sentence``, or how it will read it."""
    if rewrite is not None and rewrite.text is None:
        yield Problem(path, line, col, f"left out: {rewrite.reason}: {_quote(sentence)}",
                      severity="warning")
        return
    text = sentence if rewrite is None else rewrite.text
    if not list(sentences(text)):
        yield Problem(path, line, col, "left out: quotes or brackets, which the Markov model "
                      f"does not learn from (markovify's rule): {_quote(sentence)}",
                      severity="warning")
        return
    n = len(text.split())
    if n <= state_size:
        yield Problem(path, line, col, f"never used: {_count(n, 'word')} is too short (at state "
                      f"size {state_size} the chain joins a sentence only after "
                      f"{state_size + 1} words, and a Markov sentence has {DEFAULT_MIN_WORDS} or "
                      f"more): {_quote(sentence)}", severity="warning")
    if rewrite is not None and FIRST_PERSON.search(sentence):
        yield Problem(path, line, col, f"first person, read as: {_quote(rewrite.text)}",
                      severity="note")


def _problem(err, path):
    return Problem(err.path or path, err.line or 1, err.column or 1, err.message,
                   symbol=err.symbol or err.beat)


def _quote(sentence, width=60):
    return repr(sentence if len(sentence) <= width else sentence[:width - 3] + "...")


def _count(n, noun):
    return f"{n:,} {noun}{'s' * (n != 1)}"
