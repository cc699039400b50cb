"""Which beat a sentence belongs to: naive Bayes over the words of the tagged corpus."""

import math
from array import array

from ..settings import DEFAULT_PLACE_MARGIN, DEFAULT_SMOOTHING

__all__ = ["DEFAULT_PLACE_MARGIN", "DEFAULT_SMOOTHING", "BeatClassifier"]


class BeatClassifier:
    """Word counts per beat; :meth:`scores` gives each beat's log-probability of a sentence.

    ``counts[f * len(beats) + b]`` is how often normal form ``f`` is in beat ``b``.
    """

    __slots__ = ("beats", "counts", "totals", "vocab", "_logs")

    def __init__(self, beats, counts, totals, vocab):
        self.beats = tuple(beats)
        self.counts = counts
        self.totals = totals
        self.vocab = vocab  # how many normal forms the counts cover
        self._logs = {}

    @classmethod
    def train(cls, beats, examples, vocab):
        """Count ``examples``: ``(beat name, normal-form ids)`` pairs, ids below ``vocab``."""
        beats = tuple(beats)
        at = {b: i for i, b in enumerate(beats)}
        nb = len(beats)
        counts = [0] * (vocab * nb)
        totals = [0] * nb
        for beat, ids in examples:
            b = at[beat]
            for f in ids:
                counts[f * nb + b] += 1
            totals[b] += len(ids)
        top = max(counts, default=0)
        code = "H" if top < 1 << 16 else "I"
        return cls(beats, array(code, counts), array("I", totals), vocab)

    def _word(self, f):
        logs = self._logs.get(f)
        if logs is None:
            nb, a, v = len(self.beats), DEFAULT_SMOOTHING, self.vocab
            counts = self.counts[f * nb:(f + 1) * nb] if 0 <= f < v else [0] * nb
            logs = tuple(math.log((c + a) / (t + a * v)) for c, t in zip(counts, self.totals))
            self._logs[f] = logs
        return logs

    def scores(self, ids):
        """Each beat's log-probability of the normal-form ids (equal priors), in beat order."""
        total = [0.0] * len(self.beats)
        for f in ids:
            for b, x in enumerate(self._word(f)):
                total[b] += x
        return total

    def margin(self, ids, beat):
        """How far ``beat`` trails the best other beat, in nats (negative when it leads)."""
        s = self.scores(ids)
        b = self.beats.index(beat)
        return max(x for i, x in enumerate(s) if i != b) - s[b]

    def best(self, ids):
        """The likeliest beat and its lead over the next, in nats."""
        s = self.scores(ids)
        order = sorted(range(len(s)), key=lambda i: -s[i])
        return self.beats[order[0]], s[order[0]] - s[order[1]]

    def place(self, paragraph, margin=DEFAULT_PLACE_MARGIN):
        """The beat for each sentence of an untagged paragraph (lists of normal-form ids), or
        None where no beat leads by ``margin``: the whole paragraph's beat when it has one,
        else each sentence's own."""
        beat, lead = self.best([f for ids in paragraph for f in ids])
        if lead >= margin:
            return [beat] * len(paragraph)
        placed = []
        for ids in paragraph:
            beat, lead = self.best(ids)
            placed.append(beat if lead >= margin else None)
        return placed
