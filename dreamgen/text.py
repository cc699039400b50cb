"""The text rules every module shares: sentence splitting, and who a sentence speaks of."""

import re
from functools import lru_cache

__all__ = ["FIRST_PERSON", "FUNCTION_WORDS", "THEY", "YOU", "normalise", "one_word_blanks",
           "said_twice", "says_series", "second_person", "sentence_spans", "series",
           "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z#])")
# The words that point at people a sentence has not named (in normal form): "You shade your
# eyes and look up together" needs someone there.
THEY = frozenset({"they", "them", "their", "theirs", "themselves", "together"})
YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
# Hyphens count as word characters here, so "forget-me-nots" is not a narrator. A capital
# opens a sentence ("My hands", "We stand"); "US" in capitals is a country.
FIRST_PERSON = re.compile(r"(?<![\w-])(?:I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|[Ww]e|[Uu]s|[Oo]ur"
                          r"|[Oo]urs|[Oo]urselves)(?![\w-])")

_EDGE = r"(?<![\w'’-])", r"(?![\w-])"
_PLURAL = re.compile(r"{}(?:[Ww]e|[Uu]s|[Oo]urs?|[Oo]urselves){}".format(*_EDGE))
# Only "be" changes with the person: "I walk" is "you walk", but "I was" is "you were". The
# question order too: "Was I dreaming?" is "Were you dreaming?".
_BE = {"am": "are", "was": "were", "wasn't": "weren't", "wasn’t": "weren’t"}
_CONTRACTED = {"m": "re", "ve": "ve", "d": "d", "ll": "ll"}
_SINGULAR = re.compile(
    r"{0}(?:(?P<asked>[Aa]m|[Ww]as)\s+I"
    r"|I(?P<apos>['’])(?P<short>m|ve|d|ll)"
    r"|I(?P<gap>\s+(?:still|never|always|only|just|also|really|truly|once|too)?\s*)"
    r"(?P<be>am|was|wasn['’]t)"
    r"|(?P<word>I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)){1}".format(*_EDGE))
_POSSESSIVE = {"I": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself"}
# "mine" is the pronoun after these ("it was mine", "a friend of mine"); after "the" or "a"
# it is the pit ("the old mine"), which no rewording can tell apart safely.
_MINE_AFTER = frozenset("is was are were be been of and or".split())
_DISAGREE = re.compile(r"\b[Yy]ou(?:,[^,.;]*,)?\s+(?:am|was|wasn['’]t)\b")


def split_sentences(text):
    """Split a beat's text into sentences at ``. ! ?`` followed by a capital."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def sentence_spans(text):
    """``(start, end)`` of each sentence of ``text``, split as :func:`split_sentences` does."""
    spans, at = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def second_person(sentence):
    """``sentence`` spoken to you: ``(text, None)``, or ``(None, why)`` where that is not safe.

    "I" becomes "you" (with "am"/"was" agreeing: "I was" is "you were", "I'm" is "you're"),
    "me" "you", "my" "your", "mine" "yours", "myself" "yourself". A sentence that says "we",
    "us" or "our" (one of you, or many?), or "I" beside "you" (two people), is not reworded.
    Text without a first-person word comes back as it is.

    >>> second_person("I am sure my hands were cold.")
    ('You are sure your hands were cold.', None)
    >>> second_person("We stood on the pier.")
    (None, "it says 'We': would 'you' be one person or many?")
    """
    if FIRST_PERSON.search(sentence) is None:
        return sentence, None
    m = _PLURAL.search(sentence)
    if m:
        return None, f"it says {m.group(0)!r}: would 'you' be one person or many?"
    m = YOU.search(sentence)
    if m:
        return None, f"it says 'I' and {m.group(0)!r}: two people, and both would be 'you'"

    def reword(m):
        if m.group("asked"):
            text = _BE[m.group("asked").lower()] + " you"
        elif m.group("short"):
            text = "you" + m.group("apos") + _CONTRACTED[m.group("short")]
        elif m.group("be"):
            text = "you" + m.group("gap") + _BE[m.group("be")]
        else:
            word = m.group("word")
            if word.lower() == "mine":
                before = sentence[:m.start()].split()
                if before and before[-1].lower().strip(",;:") not in _MINE_AFTER:
                    raise _Unsafe(f"it says '{before[-1]} {word}': a pit, or a thing of yours?")
            text = _POSSESSIVE[word if word == "I" else word.lower()]
        # A capital where the sentence opens; "I" is a capital anywhere else too.
        if not re.search(r"[\w#]", sentence[:m.start()]):
            text = text[0].upper() + text[1:]
        return text

    try:
        text = _SINGULAR.sub(reword, sentence)
    except _Unsafe as why:
        return None, str(why)
    m = _DISAGREE.search(text) or FIRST_PERSON.search(text)
    if m:
        return None, f"{m.group(0)!r} would not agree in the second person"
    return text, None


class _Unsafe(Exception):
    """A first-person word no rule rewords safely."""


# Words a sentence may say twice whatever the corpus does: they carry grammar, not imagery.
FUNCTION_WORDS = frozenset("""
a an the of and or but yet so to in on at by for from with into onto over under through across
along toward towards as like than that this these those it its you your yours they them their
he she his her him is are was were be been not no all each every one both some more most very
too just then there here up down out off back again until after before around about against
among between beneath below above behind beyond within without inside upon where when while
what which who how if once still now
""".split())
_JOINED_BY = frozenset({"and", "by", "to", "after", "upon", "or"})  # "hand to hand"
# Said twice within six words, one of these puts a thing in two places at once.
_TWICE_PLACED = frozenset({"from", "over", "across", "through", "toward", "towards", "beneath",
                          "into", "onto", "above", "below", "behind", "beyond", "around"})
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "est", "ness")
_ONE_THING = {"ground": "earth"}
_PUNCT = re.compile(r"^[^\w#]+|[^\w#]+$")


@lru_cache(maxsize=1 << 16)  # a dream's words come from a vocabulary of a few tens of thousands
def normalise(word):
    """The form of a word that every comparison uses: lower case, edge punctuation stripped
    (a cast tag's "#" kept)."""
    return _PUNCT.sub("", word.lower())


def said_twice(sentence, allowed=frozenset()):
    """The word ``sentence`` says twice where a reader would stop, or None: "a dull, dull jolt",
    "the ruined ruin", "the hollowed ground ... a hollowed seed". A word of ``allowed`` (and a
    function word) may repeat, as may "again and again", "hand to hand" and "gently, impossibly
    gently", but no word twice in a row ("spring up up")."""
    words = sentence.split()
    forms = [normalise(w) for w in words]
    for i, (a, b) in enumerate(zip(forms, forms[1:])):
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 4 and (a == b or any(long_ == short + x for x in _SUFFIXES)):
            return long_
        # "dog roses spring up up through your shadow": two fills that meet on one word.
        if a == b and a and words[i][-1:].isalpha():
            return a
    last, stems = {}, {}
    for i, f in enumerate(forms):
        j = last.get(f)
        if j is not None and f and f not in FUNCTION_WORDS and f not in allowed and not (
                i - j == 2 and (forms[j + 1] in _JOINED_BY or forms[j + 1].endswith("ly"))):
            return f
        last[f] = i
        # "a flickering shine flickers", "one great wail ... high and wailing", "the milky air
        # ... mild as milk": one stem said twice as two words, each part of a compound too
        # ("velvet-soft, smelling of dusty velvet").
        if len(f) >= 4 and f not in FUNCTION_WORDS:
            for part in f.split("-"):
                if len(part) < 4 or part in FUNCTION_WORDS or part in allowed:
                    continue
                stem = _stem(part)
                if stems.get(stem, f) != f:
                    return f
                stems[stem] = f
    # "from the pool from the far shore", "over the basin over you": one place said twice.
    for i, f in enumerate(forms):
        if f in _TWICE_PLACED and f in forms[i + 1:i + 6] and "and" not in forms[i + 1:i + 6]:
            return f
    # "through your shoulder and settles in your shoulder": one thing named twice, under one
    # name or two ("The earth shakes under you, and the ground trembles").
    named = set()
    for a, b in zip(forms, forms[1:]):
        b = _ONE_THING.get(b, b)
        if a in FUNCTION_WORDS and b and b not in FUNCTION_WORDS:
            if (a, b) in named:
                return b
            named.add((a, b))
    # "One by one ... one by one": three words said twice.
    runs = list(zip(forms, forms[1:], forms[2:]))
    if len(set(runs)) < len(runs):
        return next(r for r in runs if runs.count(r) > 1)[0]
    return None


def _stem(form):
    for x in ("ing", "ed", "es", "s", "er", "y"):
        if form.endswith(x) and len(form) - len(x) >= 4:
            form = form[:-len(x)]
            break
    return form[:-1] if form.endswith("e") else form  # "flare", "flaring"


_THAN_BEFORE = re.compile(r"\bthan (?:the|its|their) (?:last|one before|ones? before|first)\b",
                          re.IGNORECASE)
_EACH = re.compile(r"\b(?:each|every) (\w+)", re.IGNORECASE)


def series(sentence):
    """What a comparison with "the last" counts on having been said: "beat" of "Each beat is
    fainter than the last"; "" when it compares with nothing it names ("a thready beating,
    softer than the last"); None when it compares with nothing earlier."""
    if not _THAN_BEFORE.search(sentence):
        return None
    each = _EACH.search(sentence)
    return normalise(each.group(1)) if each else ""


def says_series(forms, noun):
    """The words of ``forms`` that say ``noun`` ("beat": "beat", "beats", "heartbeat")."""
    return {f for f in forms if noun and (f.endswith(noun) or (
        f.startswith(noun) and f[len(noun):] in _SUFFIXES))}


def one_word_blanks(words):
    """``words`` with each one in turn blanked out: two sentences that share a blank differ in
    one word only ("It bobs there in the wind" and "It glows there in the wind")."""
    return {(i, *words[:i], *words[i + 1:]) for i in range(len(words))}
