"""Long runs: dreams rendered in chunks, in order, in this process or in several.

A run is a range of dream numbers, so it splits into chunks (and across machines into
shards) with no coordination: dream ``n`` is the same text wherever it is made. Pieces are
yielded as they are made and never held whole; with ``jobs > 1`` only a few chunks per
process are in flight at once, so memory stays flat however long the run.
"""

from .arc import DEFAULT_LENGTH
from .errors import DreamgenError
from .render import render_one

__all__ = ["DEFAULT_CHUNK", "chunks", "render_chunk", "render_run"]

# Large enough that a worker's reply costs little next to its work, small enough that
# output starts at once and progress moves smoothly.
DEFAULT_CHUNK = 64
# Chunks in flight per process: enough to keep every worker busy, few enough to bound memory.
_AHEAD = 4

_worker_dreamer = None


def chunks(start, count, size=DEFAULT_CHUNK):
    """``(first, n)`` pieces covering dreams ``start`` to ``start + count - 1`` in order."""
    for first in range(start, start + count, size):
        yield first, min(size, start + count - first)


def render_chunk(dreamer, first, n, fmt, index, length=DEFAULT_LENGTH):
    """Dreams ``first`` to ``first + n - 1`` rendered as one string; ``index`` is the place of
    ``first`` in the whole run (it decides separators)."""
    return "".join(render_one(dreamer.dream(first + i, length=length), fmt, index + i)
                   for i in range(n))


def render_run(dreamer, start, count, fmt, *, jobs=1, load=None, chunk=DEFAULT_CHUNK,
               length=DEFAULT_LENGTH):
    """Yield ``(text, n)`` for dreams ``start`` to ``start + count - 1``, in order.

    With ``jobs > 1`` the chunks are made by that many processes; ``load`` is the keyword
    arguments of :meth:`Dreamer.load` that give ``dreamer`` (a worker started without fork
    loads its own). The text is the same, byte for byte, whatever ``jobs`` is.
    """
    if jobs <= 1 or count <= chunk:
        for first, n in chunks(start, count, chunk):
            yield render_chunk(dreamer, first, n, fmt, first - start, length), n
        return
    yield from _parallel(dreamer, start, count, fmt, jobs, load or {}, chunk, length)


def _parallel(dreamer, start, count, fmt, jobs, load, chunk, length):
    import multiprocessing
    from collections import deque

    global _worker_dreamer
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        ctx = multiprocessing.get_context()
    # A forked worker starts with the loaded dreamer; others load it in _init.
    _worker_dreamer = dreamer if ctx.get_start_method() == "fork" else None
    pending = deque()
    pieces = chunks(start, count, chunk)
    with ctx.Pool(jobs, initializer=_init, initargs=(load,)) as pool:
        try:
            for first, n in pieces:
                work = (first, n, fmt, first - start, length)
                pending.append((pool.apply_async(_work, work), n))
                if len(pending) >= jobs * _AHEAD:
                    yield _result(*pending.popleft())
            while pending:
                yield _result(*pending.popleft())
        finally:
            _worker_dreamer = None
            pool.terminate()


def _result(async_result, n):
    text = async_result.get()
    if isinstance(text, tuple):  # an error the worker caught, rebuilt with its context
        cls, message, context = text
        raise cls(message, **context)
    return text, n


def _init(load):
    global _worker_dreamer
    if _worker_dreamer is None:
        from .compose import Dreamer

        _worker_dreamer = Dreamer.load(**load)


def _work(first, n, fmt, index, length):
    try:
        return render_chunk(_worker_dreamer, first, n, fmt, index, length)
    except DreamgenError as err:
        # Sent back as plain values: the error's path, line and symbol survive the trip.
        return (type(err), err.message, {k: getattr(err, k) for k in
                                         ("path", "line", "column", "symbol", "beat")})
