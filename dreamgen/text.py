"""The text rules every module shares: sentence splitting, and who a sentence speaks of."""

import re

__all__ = ["FIRST_PERSON", "YOU", "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z#])")
YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
# Hyphens count as word characters here, so "forget-me-nots" is not a narrator.
FIRST_PERSON = re.compile(r"(?<![\w-])(?:I|me|my|mine|myself|we|us|our|ours|ourselves)(?![\w-])")


def split_sentences(text):
    """Split a beat's text into sentences at ``. ! ?`` followed by a capital."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]
