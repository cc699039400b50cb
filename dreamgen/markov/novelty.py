"""The one novelty test: no sentence may share a run of words with the corpus.

Words are compared in normal form (lower case, edge punctuation stripped). Every run of
``k`` normal forms in the corpus is stored as a 64-bit hash in a sorted array; a hash that
collides can only make a new sentence look copied, never let a copy through.
"""

from array import array
from bisect import bisect_left

from ..settings import DEFAULT_NOVELTY_WORDS
from ..text import normalise  # one normal form for the whole package (re-exported here)

__all__ = ["DEFAULT_NOVELTY_WORDS", "Novelty", "normalise", "run_hashes"]

_MULT = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def _hash(ids):
    h = 0
    for i in ids:
        h = ((h ^ (i + 1)) * _MULT) & _MASK
    return h


def run_hashes(norm, k):
    """The hashes of every run of ``k`` ids in ``norm``."""
    return {_hash(norm[i:i + k]) for i in range(len(norm) - k + 1)}


class Novelty:
    """The corpus's runs of ``k`` words; :meth:`is_novel` tests a sentence against them."""

    __slots__ = ("k", "forms", "hashes", "_ids")

    def __init__(self, k, forms, hashes):
        self.k = k
        self.forms = forms  # normal forms, in id order
        self.hashes = hashes  # sorted array("Q")
        self._ids = None

    @classmethod
    def from_texts(cls, texts, k=DEFAULT_NOVELTY_WORDS):
        """The runs of ``texts`` (each a list of words, a sentence or a paragraph)."""
        ids = {}
        found = set()
        for words in texts:
            found |= run_hashes([ids.setdefault(normalise(w), len(ids)) for w in words], k)
        return cls(k, list(ids), array("Q", sorted(found)))

    def form_id(self, form):
        """The id of a normal form, or -1 for one the corpus never has."""
        if self._ids is None:
            self._ids = {f: i for i, f in enumerate(self.forms)}
        return self._ids.get(form, -1)

    def _has(self, h):
        hashes = self.hashes
        i = bisect_left(hashes, h)
        return i < len(hashes) and hashes[i] == h

    def is_novel_ids(self, norm):
        """True when no ``k`` normal-form ids in a row of ``norm`` are a corpus run."""
        k, has = self.k, self._has
        for i in range(len(norm) - k + 1):
            window = norm[i:i + k]
            if -1 not in window and has(_hash(window)):
                return False
        return True

    def is_novel(self, words):
        """True when no ``k`` words in a row of ``words`` (strings) are a corpus run."""
        get = self.form_id
        return self.is_novel_ids([get(normalise(w)) for w in words])

    def copied(self, words):
        """The first run of ``words`` found in the corpus, as a list, or None."""
        get, k = self.form_id, self.k
        norm = [get(normalise(w)) for w in words]
        for i in range(len(norm) - k + 1):
            window = norm[i:i + k]
            if -1 not in window and self._has(_hash(window)):
                return words[i:i + k]
        return None
