"""Tag untagged prose as corpus text: each paragraph's beat, and the cast words as tags.

The beats come from the classifier the model trained on the tagged corpus, the same one that
places untagged text when a model is built, so what ``dreamgen tag`` writes is where the
text would go anyway, now in the user's hands to review.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .compose import cast_lexicons, entry_head, said_elsewhere
from .corpus import ANY_BEAT
from .markov import HINGE_WORDS, normalise
from .text import split_sentences

__all__ = ["ANY_BEAT", "TagResult", "cast_words", "tag_document"]

# The cast variables whose entries' head nouns are tagged too ("the bay" for "the quiet bay").
_HEADS = ("fallen", "witnesses", "water", "flowers")
_FOLLOWERS = frozenset("or that which who as than is are was were has have had".split())


@dataclass(frozen=True)
class TagResult:
    """The tagged text, and what was done to get it."""

    text: str
    beats: tuple  # of (beat or ANY_BEAT, sentences), one per paragraph written
    cast: dict  # variable -> the words first tagged as it


def cast_words(grammar, arc):
    """``[(phrase, variable)]``, longest first: every literal entry of each cast lexicon, and
    for the fallen thing, witnesses, water and flowers the head nouns of those entries that
    no other rule says ("fjord" of "frozen fjord", not "light")."""
    pushed = cast_lexicons(grammar, arc)
    said = said_elsewhere(grammar, arc, {sym for _, sym in pushed})
    found = {}
    for var, sym in pushed:
        entries = [e.strip() for e in grammar.rules.get(sym, ()) if "#" not in e and e.strip()]
        for e in entries:
            found.setdefault(e.lower(), var)
        if var in _HEADS:
            for e in entries:
                if entry_head(e) not in said:
                    found.setdefault(entry_head(e), var)
    return sorted(found.items(), key=lambda kv: (-len(kv[0]), kv[0]))


def _cast_pattern(words):
    alts = "|".join(re.escape(p) for p, _ in words)
    return re.compile(rf"(?<![\w#-])(?:(an?|the)\s+)?({alts})(?![\w-])(\W*)(\S*)",
                      re.IGNORECASE)


def _tag_cast(text, pattern, var_of, found, goes_on):
    def sub(m):
        article, phrase, gap, nxt = m.group(1), m.group(2), m.group(3), m.group(4)
        var = var_of[phrase.lower()]
        # The fallen thing, witnesses, water and flowers are noun phrases after an article
        # ("the #water#"), and a whole one: "the harbour wall" keeps its harbour.
        if var in _HEADS and (article is None or not (gap.strip() or not nxt or goes_on(nxt))):
            return m.group(0)
        found.setdefault(var, phrase)
        rest = gap + nxt
        if article is None:
            return f"#{var}#{rest}"
        if article.lower() in ("a", "an"):
            tag = f"#{var}.a.capitalize#" if article[0].isupper() else f"#{var}.a#"
            return tag + rest
        return f"{article} #{var}#{rest}"
    return pattern.sub(sub, text)


def tag_document(doc, models, grammar, arc, convert=None):
    """The tagged text of corpus document ``doc`` (read untagged): a header naming the cast
    words found, then each run of sentences the classifier puts on one beat under its
    ``:: beat`` line. ``convert``, if given, turns a sentence into the second person (or
    returns None to leave it out)."""
    words = cast_words(grammar, arc)
    pattern, var_of = _cast_pattern(words), dict(words)

    def goes_on(word):
        """True when ``word`` may follow a whole noun phrase: a verb or a function word."""
        form = normalise(word)
        return form in HINGE_WORDS or form in _FOLLOWERS or \
            models.novelty.form_id(form) in models.verbs
    found, written = {}, []
    for para in doc.paragraphs:
        sents = split_sentences(para.text)
        if convert is not None:
            sents = [s for s in (convert(t) for t in sents) if s]
        if not sents:
            continue
        if para.beat is not None:
            placed = [para.beat] * len(sents)
        else:
            ids = [[models.novelty.form_id(normalise(w)) for w in s.split()] for s in sents]
            placed = [b or ANY_BEAT for b in models.classifier.place(ids)]
        for s, beat in zip(sents, placed):
            s = _tag_cast(s, pattern, var_of, found, goes_on)
            if written and written[-1][0] == beat:
                written[-1][1].append(s)
            else:
                written.append((beat, [s]))
    header = [f"title: {Path(doc.path).stem.replace('_', ' ').replace('-', ' ')}"]
    header += [f"{var}: {phrase}" for var, phrase in found.items()]
    body = [f":: {beat}\n" + " ".join(sents) for beat, sents in written]
    text = "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"
    return TagResult(text, tuple((b, tuple(s)) for b, s in written), found)
