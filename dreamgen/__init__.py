"""dreamgen: new second-person dream vignettes from Tracery grammars and a Markov corpus.

>>> import dreamgen
>>> dream = dreamgen.generate(seed=42)
>>> dream.beats[0].name
'invocation'
"""

from .version import __version__  # noqa: E402

from .errors import (ArcError, CorpusError, DreamgenError, GrammarError, LimitError,  # noqa: E402
                     OutputError, SeedError, VerifyError, WorkerError)
from .grammar import LENGTHS  # noqa: E402
from .settings import DEFAULT_LENGTH, Settings  # noqa: E402
from .compose import BeatText, Dream, Dreamer, Sentence  # noqa: E402

__all__ = [
    "__version__",
    "ArcError",
    "BeatText",
    "DEFAULT_LENGTH",
    "LENGTHS",
    "CorpusError",
    "Dream",
    "Dreamer",
    "DreamgenError",
    "GrammarError",
    "LimitError",
    "OutputError",
    "SeedError",
    "Sentence",
    "Settings",
    "VerifyError",
    "WorkerError",
    "generate",
]


def generate(seed=None, *, length=DEFAULT_LENGTH, grammars=(), corpora=(), settings=Settings(),
             builtin_corpus=True, user_overlays=True, use_cache=True, warn=None):
    """Dream number ``seed`` with the built-in grammar and corpus, plus any overlays.

    Without ``seed`` one is drawn, as ``dreamgen generate`` does; the dream's ``.seed`` gives
    it back. ``length`` is ``micro``, ``short`` or ``full``; the other keywords are those of
    :meth:`Dreamer.load`. A seed that is not a whole number 0 or more is a
    :class:`SeedError`. For many dreams, load a :class:`Dreamer` once and call
    ``dreamer.dream(n)``.
    """
    from .rng import check_seed, draw_seed

    seed = draw_seed() if seed is None else check_seed(seed)
    dreamer = Dreamer.load(grammars, corpora, settings=settings, builtin_corpus=builtin_corpus,
                           user_overlays=user_overlays, use_cache=use_cache, warn=warn)
    return dreamer.dream(seed, length=length)
