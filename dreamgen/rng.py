"""The one seeded random source; tracery and markovify never touch the global ``random``."""

import random

__all__ = ["DreamRandom", "dream_random"]


class DreamRandom:
    """A seeded source that draws only from its own Mersenne Twister.

    Only ``random()`` is used underneath: its output is fixed across Python versions and
    platforms, unlike helpers such as ``choice`` whose algorithms have changed before.
    """

    __slots__ = ("_random",)

    def __init__(self, seed):
        # A private instance: the caller's global random state is never read or changed.
        self._random = random.Random(seed).random

    def random(self):
        return self._random()

    def index(self, n):
        """A uniform index in ``range(n)``."""
        return int(self._random() * n)

    def choice(self, seq):
        return seq[int(self._random() * len(seq))]


def dream_random(seed):
    """The random source for dream number ``seed`` (a non-negative integer)."""
    return DreamRandom(seed)
