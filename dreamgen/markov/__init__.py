"""The Markov side: the corpus counted into one chain per beat, walked, filtered and stored.

``build`` turns a corpus into :class:`Models`; ``chain`` walks token ids and knows no text;
``novelty`` is the one test that a sentence is not copied from the corpus; ``classify`` tells
which beat a sentence belongs to; ``filters`` is the list of checks a candidate must pass;
``store`` turns built models into bytes and back.
"""

from ..settings import (DEFAULT_MAX_WORDS, DEFAULT_MIN_SPREAD, DEFAULT_MIN_WORDS,
                        DEFAULT_NOVELTY_WORDS, DEFAULT_STATE_SIZE, DEFAULT_TRIES, ModelSettings)
from .build import HINGE_WORDS, build_models
from .filters import FILTERS, Candidate
from .model import Models
from .novelty import normalise

__all__ = ["DEFAULT_MAX_WORDS", "DEFAULT_MIN_SPREAD", "DEFAULT_MIN_WORDS", "DEFAULT_NOVELTY_WORDS",
           "DEFAULT_STATE_SIZE", "DEFAULT_TRIES", "FILTERS", "HINGE_WORDS", "Candidate",
           "ModelSettings", "Models", "build_models", "normalise"]
