"""Check a finished file against the run that should have made it, without making it all again.

Every record is counted and the file's closing text checked; a sample of records (the first,
the last, and others drawn from the run's seeded source) is made again and compared byte for
byte. Dream ``n`` is the same wherever it is made, so any difference is a fault.
"""

from dataclasses import dataclass

from .errors import VerifyError
from .output.render import SEPARATOR, render_end, render_one
from .rng import dream_random
from .settings import DEFAULT_LENGTH, DEFAULT_VERIFY_SAMPLE

__all__ = ["DEFAULT_VERIFY_SAMPLE", "Verified", "records", "verify"]

_BLOCK = 1 << 20

# The text that starts every record after the first (see render_one); none of them can occur
# inside a record: JSON escapes newlines, and nested JSON lines are indented further.
_STARTS = {"text": f"\n{SEPARATOR}\n\n".encode(), "markdown": b"\n---\n\n## ",
           "json": b",\n  {\n"}


@dataclass(frozen=True)
class Verified:
    """What :func:`verify` checked: every record counted, ``checked`` of them made again."""

    records: int
    checked: int


def records(stream, fmt):
    """Yield each record of a run read from ``stream`` (binary) as the bytes render_one gave
    it, and last the run's closing text."""
    start = _STARTS.get(fmt)
    buf = b""
    while True:
        block = stream.read(_BLOCK)
        buf += block
        pos = 0
        while True:
            if start is None:  # jsonl: one record a line
                cut = buf.find(b"\n", pos) + 1
            else:
                cut = max(buf.find(start, pos + 1), 0)
            if cut == 0:
                break
            yield buf[pos:cut]
            pos = cut
        buf = buf[pos:]
        if not block:
            break
    end = render_end(fmt, 1).encode()
    if end and buf.endswith(end) and buf != end:
        yield buf[:-len(end)]
        buf = end
    elif not end and buf:
        yield buf
        buf = b""
    yield buf


def _sample(seed, count, size):
    if size >= count:
        return list(range(count))
    rng = dream_random(seed)
    picked = {0, count - 1} | {rng.index(count) for _ in range(min(size, count))}
    return sorted(picked)


def verify(dreamer, path, *, seed, count, fmt, length=DEFAULT_LENGTH,
           sample=DEFAULT_VERIFY_SAMPLE):
    """Check that ``path`` holds dreams ``seed`` to ``seed + count - 1`` in ``fmt``, as
    ``dreamer`` makes them. Returns :class:`Verified`; raises :class:`VerifyError`.

    Example: ``verify(dreamer, "dreams-003.jsonl", seed=30_000_000, count=10_000_000,
    fmt="jsonl")``.
    """
    wanted = set(_sample(seed, count, sample))
    found, n = {}, 0
    try:
        with open(path, "rb") as f:
            previous = None
            for part in records(f, fmt):
                if previous is not None:
                    if n in wanted:
                        found[n] = previous
                    n += 1
                previous = part
    except OSError as exc:
        raise VerifyError(f"cannot read: {exc.strerror or exc}", path=path) from None
    end = render_end(fmt, count).encode()
    if n != count:
        raise VerifyError(f"holds {n:,} records, not {count:,}: not this run, or cut short",
                          path=path)
    if previous != end:
        raise VerifyError(f"does not end as a whole {fmt} run does (cut short?)", path=path)
    for i in sorted(wanted):
        made = render_one(dreamer.dream(seed + i, length=length), fmt, i).encode("utf-8")
        if found.get(i) != made:
            raise VerifyError(f"record {i:,} (dream {seed + i}) differs from the one this "
                              "grammar, corpus, settings and version make", path=path)
    return Verified(records=n, checked=len(wanted))
