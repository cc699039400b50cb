"""Checks on finished dreams: the structure and well-formedness every dream must keep."""

import re

from .text import FIRST_PERSON, YOU, split_sentences

__all__ = ["MARKUP", "dream_problems", "word_count"]

MARKUP = ("((", "#", "[", "]")
_WORD = re.compile(r"\S+")


def word_count(dream):
    return len(_WORD.findall(dream.text))


def dream_problems(dream, beat_names):
    """Every way ``dream`` breaks the quality floor, as a list of short descriptions."""
    found = []
    for mark in MARKUP:
        if mark in dream.text:
            found.append(f"leftover markup {mark!r}")
    names = tuple(b.name for b in dream.beats)
    if names != tuple(beat_names):
        found.append(f"beats {names} are not the arc {tuple(beat_names)}")
    for i, beat in enumerate(dream.beats):
        if not beat.text.strip():
            found.append(f"beat {beat.name!r} is empty")
        if i == 0:
            continue
        if not YOU.search(beat.text):
            found.append(f"beat {beat.name!r} does not address you")
        m = FIRST_PERSON.search(beat.text)
        if m:
            found.append(f"beat {beat.name!r} has a first-person {m.group(0)!r}")
    seen = set()
    for beat in dream.beats:
        for s in split_sentences(beat.text):
            if s in seen:
                found.append(f"sentence repeated: {s[:60]!r}")
            seen.add(s)
    return found
