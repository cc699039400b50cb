"""The one seeded random source; tracery and markovify never touch the global ``random``."""

import random

from .errors import SeedError

__all__ = ["SEED_RANGE", "DreamRandom", "check_seed", "draw_seed", "dream_random"]

# A drawn seed is below this: short enough to read back and type.
SEED_RANGE = 10**9


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


def check_seed(seed):
    """``seed`` itself when it is a dream number (an int 0 or more), else :class:`SeedError`.

    ``random.Random`` would take ``-1`` as dream 1 and hash a string or a float, so a typo
    would quietly give some other dream.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SeedError(f"a seed is a whole number 0 or more, not {seed!r}")
    if seed < 0:
        raise SeedError(f"a seed is a whole number 0 or more, not {seed}")
    return seed


def draw_seed():
    """A fresh dream number below :data:`SEED_RANGE`, for a run given no seed.

    From the operating system, not from any dream's source: it picks which dream, and the
    dream itself is then fixed by the number.
    """
    import secrets

    return secrets.randbelow(SEED_RANGE)
