"""The one "did you mean" hint that every grammar and arc message uses."""

from .._lazy import lazy

# Only a message about a mistake needs it; a warm start makes none.
difflib = lazy("difflib")

__all__ = ["hint"]


def hint(name, candidates, prefix="", suffix="", cutoff=0.6):
    """``"; did you mean 'x'?"`` for the candidate closest to ``name``, or ``""``.

    >>> hint("nme", ["name", "place"])
    "; did you mean 'name'?"
    """
    close = difflib.get_close_matches(str(name), sorted(candidates), n=1, cutoff=cutoff)
    return f"; did you mean {prefix + close[0] + suffix!r}?" if close else ""
