"""dreamgen: new second-person dream vignettes from Tracery grammars and a Markov corpus.

>>> import dreamgen
>>> dream = dreamgen.generate(seed=42)
>>> dream.beats[0].name
'invocation'
"""

__version__ = "0.1.0"

from .errors import (ArcError, CorpusError, DreamgenError, GrammarError, LimitError,  # noqa: E402
                     OutputError, VerifyError, WorkerError)
from .compose import BeatText, Dream, Dreamer, Sentence, Settings  # noqa: E402

__all__ = [
    "__version__",
    "ArcError",
    "BeatText",
    "CorpusError",
    "Dream",
    "Dreamer",
    "DreamgenError",
    "GrammarError",
    "LimitError",
    "OutputError",
    "Sentence",
    "Settings",
    "VerifyError",
    "WorkerError",
    "generate",
]


def generate(seed=0, *, grammars=(), corpora=(), settings=Settings(), use_cache=True):
    """Dream number ``seed`` with the built-in grammar and corpus, plus any overlays.

    For many dreams, load a :class:`Dreamer` once and call ``dreamer.dream(n)``.
    """
    return Dreamer.load(grammars, corpora, settings=settings, use_cache=use_cache).dream(seed)
