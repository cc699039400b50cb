"""Tracery's English modifiers (``.s``, ``.a``, ``.ed``, ...), as the JavaScript tracery2 has them.

Users add their own as a dict of name -> ``function(text, *params)``, as in pytracery.
Where pytracery 0.1.1 and the JavaScript differ, these follow the JavaScript, with one fix
that pytracery's later tests also make: word endings are matched in either case, so "BOX"
gives "BOXes" (not "BOXs") and "GLIDE" gives "GLIDEd".
"""

__all__ = ["MODIFIERS"]

_VOWELS = "aeiouAEIOU"


def _is_vowel(c):
    return c != "" and c in _VOWELS


def _is_alnum(c):
    # The JavaScript's own test: ASCII letters and digits only.
    return c.isascii() and c.isalnum()


def _last(text, n=1):
    return text[-n] if len(text) >= n else ""


def replace(text, *params):
    """``.replace(a,b)``: every ``a`` becomes ``b``."""
    return text.replace(params[0], params[1])


def capitalize_all(text, *params):
    """``.capitalizeAll``: upper-case the first letter after every non-letter; the rest stay."""
    out, cap_next = [], True
    for c in text:
        if not _is_alnum(c):
            cap_next = True
            out.append(c)
        elif cap_next:
            out.append(c.upper())
            cap_next = False
        else:
            out.append(c)
    return "".join(out)


def capitalize(text, *params):
    """``.capitalize``: upper-case the first character."""
    return text[:1].upper() + text[1:]


def a(text, *params):
    """``.a``: "a house", "an elephant", "a unicorn", "an underdog"."""
    if text:
        if text[0] in "uU" and len(text) > 2 and text[2] in "iI":
            return "a " + text
        if _is_vowel(text[0]):
            return "an " + text
    return "a " + text


def s(text, *params):
    """``.s``: the plural, "boxes", "tellies", "monkeys"."""
    end = _last(text).lower()
    if end in ("s", "h", "x"):
        return text + "es"
    if end == "y" and not _is_vowel(_last(text, 2)):
        return text[:-1] + "ies"
    return text + "s"


def first_s(text, *params):
    """``.firstS``: the plural of the first word only."""
    words = text.split(" ")
    return " ".join([s(words[0])] + words[1:])


def ed(text, *params):
    """``.ed``: the past tense, "jumped", "glided", "shimmied", "playd" (as the JavaScript)."""
    end = _last(text).lower()
    if end == "e":
        return text + "d"
    if end == "y":
        return text[:-1] + "ied" if not _is_vowel(_last(text, 2)) else text + "d"
    return text + "ed"


def uppercase(text, *params):
    """``.uppercase`` (pytracery's addition)."""
    return text.upper()


def lowercase(text, *params):
    """``.lowercase`` (pytracery's addition)."""
    return text.lower()


MODIFIERS = {
    "replace": replace,
    "capitalizeAll": capitalize_all,
    "capitalize": capitalize,
    "a": a,
    "firstS": first_s,
    "s": s,
    "ed": ed,
    "uppercase": uppercase,
    "lowercase": lowercase,
}
