"""The one exception family of dreamgen; every failure a user can cause is one of these."""

__all__ = [
    "DreamgenError",
    "GrammarError",
    "ArcError",
    "CorpusError",
    "LimitError",
    "OutputError",
    "SeedError",
    "VerifyError",
    "WorkerError",
    "did_you_mean",
]


class DreamgenError(Exception):
    """Base of every error dreamgen raises on purpose.

    ``str(err)`` is one line: ``path:line:col: message`` with whatever context is known.
    """

    def __init__(self, message, *, path=None, line=None, column=None, symbol=None, beat=None):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.symbol = symbol
        self.beat = beat

    def location(self):
        """``path:line:col`` (as much of it as is known), or ``""``."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self):
        where = self.location()
        msg = self.message.replace("\n", " ")
        return f"{where}: {msg}" if where else msg


class GrammarError(DreamgenError):
    """A grammar file cannot be read, fails a check, or fails while expanding."""


class ArcError(GrammarError):
    """The arc file is missing, malformed, or does not match the grammar."""


class CorpusError(DreamgenError):
    """A corpus file cannot be read or yields no usable sentences."""


class LimitError(DreamgenError):
    """A configured limit (depth, size, tries) was exceeded."""


class OutputError(DreamgenError):
    """An output file cannot be written safely."""


class SeedError(DreamgenError):
    """A seed (dream number) that is not a whole number 0 or more."""


class VerifyError(DreamgenError):
    """A finished file does not hold what the run that should have made it makes."""


class WorkerError(DreamgenError):
    """A worker process of a ``jobs > 1`` run died, and died again on the same dreams."""


def did_you_mean(name, candidates, *, prefix="", suffix="", cutoff=0.6):
    """``"; did you mean 'x'?"`` for the candidate closest to ``name``, or ``""``.

    ``prefix`` and ``suffix`` are put around the candidate in the hint (``'+sky'``, ``'.s'``).
    """
    import difflib  # only an error needs it: 2.4 ms a start need not pay

    close = difflib.get_close_matches(str(name), sorted(candidates), n=1, cutoff=cutoff)
    return f"; did you mean {prefix + close[0] + suffix!r}?" if close else ""
