"""Where every sentence of a dream came from: the grammar path, or the Markov chain and the
corpus lines it reuses.

>>> from dreamgen import Dreamer
>>> record = explain(Dreamer.load(), 42)
>>> record["beats"][0]["sentences"][0]["origin"]
'grammar'
>>> join_text(record) == record["text"]
True
"""

import re
from bisect import bisect_right
from pathlib import Path

from .grammar import Tag
from .text import split_sentences
from .errors import CorpusError
from .resources import builtin_dir
from .settings import DEFAULT_LENGTH

__all__ = ["CorpusIndex", "explain", "join_text", "shown_path"]

_WORD = re.compile(r"\S+")


def shown_path(path):
    """A path as a record shows it: built-in files as ``grammars/...`` or ``corpus/...``."""
    p = Path(path)
    for name in ("grammars", "corpus"):
        try:
            return f"{name}/{p.resolve().relative_to(builtin_dir(name).resolve()).as_posix()}"
        except (ValueError, OSError, FileNotFoundError):
            continue
    return str(path)


class CorpusIndex:
    """The corpus as runs of words with their file and line, indexed by word pairs.

    Markov sentences are compared as the chain made them, cast tags (``#fallen#``) and all,
    which is how the corpus writes them too.
    """

    def __init__(self, corpus, words=None):
        """With ``words`` (a set), only the runs that start on one of them are indexed: all
        one dream's explanation needs, at a tenth of the time of the whole corpus (the
        whole index took 1.3 s of each 1.4 s ``dreamgen explain``)."""
        self.paragraphs = []  # (paragraph, words)
        self.pairs = {}
        self.singles = {}
        pairs, singles = self.pairs, self.singles
        for p, para in enumerate(corpus.paragraphs()):
            found = tuple(_WORD.findall(para.text))
            self.paragraphs.append((para, found))
            for k, word in enumerate(found):
                if words is not None and word not in words:
                    continue
                singles.setdefault(word, []).append((p, k))
                if k + 1 < len(found):
                    pairs.setdefault((word, found[k + 1]), []).append((p, k))

    def longest_from(self, words, i, beat):
        """The longest run of ``words`` from ``i`` found in the corpus, as ``(length, p, k)``.

        Among runs of one length, a paragraph of ``beat`` wins, then the earliest.
        """
        if i + 1 < len(words):
            places = self.pairs.get((words[i], words[i + 1]), ())
        else:
            places = self.singles.get(words[i], ())
        best = None
        for p, k in places:
            _, text = self.paragraphs[p]
            n = 0
            while i + n < len(words) and k + n < len(text) and words[i + n] == text[k + n]:
                n += 1
            score = (n, self.paragraphs[p][0].beat == beat)
            if best is None or score > best[0]:
                best = (score, p, k)
        if best is None:
            return None
        return best[0][0], best[1], best[2]

    def sources(self, words, beat, state_size):
        """The corpus runs a walk reuses, in order, and the longest of all its runs.

        Each run after the first starts ``state_size`` words before the last one ended, the
        overlap the chain itself needed to join them.
        """
        longest = [self.longest_from(words, i, beat) for i in range(len(words))]
        runs, i = [], 0
        while i < len(words):
            found = longest[i]
            if found is None:
                i += 1
                continue
            n, p, k = found
            runs.append(self._run(words, i, n, p, k))
            if i + n >= len(words):
                break
            i = max(i + 1, i + n - state_size)
        best = max((f + (i,) for i, f in enumerate(longest) if f), default=None,
                   key=lambda f: (f[0], -f[3]))
        return runs, (self._run(words, best[3], *best[:3]) if best else None)

    def _run(self, words, i, n, p, k):
        para = self.paragraphs[p][0]
        start = next(m.start() for j, m in enumerate(_WORD.finditer(para.text)) if j == k)
        return {"file": shown_path(para.path), "line": para.line_at(start), "beat": para.beat,
                "at": i, "length": n, "words": " ".join(words[i:i + n])}


def _step(step):
    return {"symbol": step.symbol, "rule": step.rule, "depth": step.depth, "text": step.text,
            "variable": step.variable}


def _grammar_detail(dreamer, trace):
    steps = trace.steps
    entry = steps[0]
    path, line, _ = dreamer.grammar.locate(entry.symbol, entry.rule)
    rules = dreamer.grammar.rules.get(entry.symbol, ())
    mine = _sentence_steps(dreamer.grammar, steps, trace.sentence)
    return {
        "symbol": entry.symbol,
        "rule": entry.rule,
        "sentence": trace.sentence,
        "file": None if entry.variable else shown_path(path),
        "line": None if entry.variable else line,
        "template": None if entry.variable or entry.rule >= len(rules) else rules[entry.rule],
        "expansions": [_step(s) for s in mine],
        "variables": dict(trace.variables),
    }


def _sentence_steps(grammar, steps, sentence):
    """The steps inside sentence number ``sentence`` of a beat's expansion."""
    entry = steps[0]
    text = entry.text
    starts, cursor = [], 0
    for part in split_sentences(text):
        at = text.find(part, cursor)
        starts.append(at)
        cursor = at + len(part)
    # Where each top-level tag's text begins, from the entry rule's literal pieces and tags.
    rules = () if entry.variable else grammar.compiled.get(entry.symbol, ())
    items = rules[entry.rule] if entry.rule < len(rules) else ()
    tops = [i for i, s in enumerate(steps) if s.depth == entry.depth + 1]
    offsets, t, at = {}, iter(tops), 0
    for item in items:
        if isinstance(item, str):
            at += len(item)
        elif isinstance(item, Tag):
            i = next(t, None)
            if i is None:
                break
            offsets[i] = at
            at += len(steps[i].text)
    chosen, current = [], 0
    for i, s in enumerate(steps[1:], 1):
        if i in offsets:
            current = max(0, bisect_right(starts, offsets[i]) - 1)
        # Deeper steps belong to the top-level tag above them.
        if current == sentence:
            chosen.append(s)
    return chosen


def _markov_detail(dreamer, trace, index):
    models = dreamer.models
    runs, longest = index.sources(trace.template, trace.chain, models.settings.state_size)
    return {
        "template": " ".join(trace.template),
        "model": {"chain": trace.chain if trace.chain in models.chains else None,
                  "state_size": models.settings.state_size},
        "walks": trace.walks,
        "sources": runs,
        "longest_overlap": longest,
        "expansions": [_step(s) for s in trace.steps],
    }


def explain(dreamer, seed, *, index=None, length=DEFAULT_LENGTH):
    """The provenance record of dream ``seed``: every sentence with its beat and origin.

    ``index`` (a :class:`CorpusIndex` of ``dreamer.corpus``) may be passed to reuse it;
    ``length`` is as for :meth:`Dreamer.dream`.
    """
    if index is None and dreamer.corpus is None:
        raise CorpusError("this Dreamer holds no corpus to explain Markov sentences by; "
                          "make it with Dreamer.load")
    dream = dreamer.dream(seed, trace=True, length=length)
    if index is None:
        index = CorpusIndex(dreamer.corpus, words={
            w for b in dream.beats for s in b.sentences if s.origin == "markov"
            for w in s.trace.template})
    beats = []
    counts = {"grammar": 0, "markov": 0}
    for beat in dream.beats:
        sentences = []
        for s in beat.sentences:
            counts[s.origin] += 1
            item = {"text": s.text, "beat": s.beat, "origin": s.origin}
            if s.origin == "grammar":
                item["grammar"] = _grammar_detail(dreamer, s.trace)
            else:
                item["markov"] = _markov_detail(dreamer, s.trace, index)
            sentences.append(item)
        beats.append({"name": beat.name, "sentences": sentences})
    return {
        "seed": dream.seed,
        "title": dream.title,
        "length": dream.length,
        # beats per paragraph of "text" ([]: one paragraph a beat)
        "paragraphs": list(dream.paragraphs),
        "text": dream.text,
        "cast": dict(dream.cast),
        "counts": counts,
        "beats": beats,
        "grammar_sha256": dream.grammar_sha256,
        "corpus_sha256": dream.corpus_sha256,
        "version": dream.version,
    }


def join_text(record):
    """The dream's text, rebuilt from the record's sentences."""
    beats = [" ".join(s["text"] for s in b["sentences"]) for b in record["beats"]]
    sizes = record.get("paragraphs") or [1] * len(beats)
    paras, at = [], 0
    for n in sizes:
        paras.append(" ".join(beats[at:at + n]))
        at += n
    return "\n\n".join(paras)
