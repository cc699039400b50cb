"""Long runs: dreams rendered in chunks, in order, in this process or in several.

A run is a range of dream numbers, so it splits into chunks (and across machines into
shards) with no coordination: dream ``n`` is the same text wherever it is made. Pieces are
yielded as they are made and never held whole; with ``jobs > 1`` only a few chunks per
process are in flight at once, so memory stays flat however long the run.
"""

import signal
from contextlib import contextmanager

from .errors import DreamgenError, WorkerError
from .output.render import render_one
from .settings import DEFAULT_CHUNK, DEFAULT_LENGTH

__all__ = ["DEFAULT_CHUNK", "chunks", "render_chunk", "render_run"]

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


def render_run(dreamer, start, count, fmt, *, jobs=1, load=None, chunk=DEFAULT_CHUNK, index=0,
               length=DEFAULT_LENGTH):
    """Yield ``(text, n)`` for dreams ``start`` to ``start + count - 1``, in order.

    ``index`` is the place of ``start`` in the whole run (a resumed run starts past 0). With
    ``jobs > 1`` the chunks are made by that many processes; ``load`` is the keyword
    arguments of :meth:`Dreamer.load` that give ``dreamer`` (a worker started without fork
    loads its own). The text is the same, byte for byte, whatever ``jobs`` is. A chunk whose
    worker dies (killed, out of memory) is made again once; a second death raises
    :class:`WorkerError`.
    """
    if jobs <= 1 or count <= chunk:
        for first, n in chunks(start, count, chunk):
            yield render_chunk(dreamer, first, n, fmt, index + first - start, length), n
        return
    yield from _parallel(dreamer, start, count, fmt, jobs, load or {}, chunk, index, length)


def _parallel(dreamer, start, count, fmt, jobs, load, chunk, index, length):
    import multiprocessing
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    global _worker_dreamer
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        ctx = multiprocessing.get_context()
    # A forked worker starts with the loaded dreamer; others load it in _init.
    _worker_dreamer = dreamer if ctx.get_start_method() == "fork" else None
    pending = deque()  # [future, first, n] in run order; at most jobs * _AHEAD of them
    pieces = chunks(start, count, chunk)
    failed = set()  # first dream of each chunk whose worker has died once
    pool = _Pool(ctx, jobs, load)
    try:
        while True:
            while len(pending) < jobs * _AHEAD:
                piece = next(pieces, None)
                if piece is None:
                    break
                pending.append([_submit(pool, *piece, fmt, index + piece[0] - start, length),
                                *piece])
            if not pending:
                return
            future, first, n = pending[0]
            try:
                text = future.result()
            except BrokenProcessPool:
                # Every chunk not yet made is lost with the pool; which one killed its
                # worker is unknown, so each counts one death and all are made again.
                pool.close()
                lost = [item for item in pending if not item[0].done()
                        or isinstance(item[0].exception(), BrokenProcessPool)]
                twice = [item for item in lost if item[1] in failed]
                if twice:
                    raise WorkerError(
                        f"a worker process died twice while making dreams {twice[0][1]} to "
                        f"{twice[-1][1] + twice[-1][2] - 1} (killed, or out of memory?); "
                        "stopped") from None
                pool = _Pool(ctx, jobs, load)
                for item in lost:
                    failed.add(item[1])
                    item[0] = _submit(pool, item[1], item[2], fmt, index + item[1] - start,
                                      length)
                continue
            pending.popleft()
            yield _result(text), n
    finally:
        _worker_dreamer = None
        pool.close()


def _submit(pool, *args):
    """``pool.submit(*args)``, or a future that failed as the pool did: a worker that dies
    between two submits breaks the pool under the next one, and that chunk is lost with the
    rest, to be made again, not an internal error."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(*args)
    except BrokenProcessPool as exc:
        future = Future()
        future.set_exception(exc)
        return future


class _Pool:
    """A process pool that ends its workers at once when closed (a chunk may be mid-way)."""

    def __init__(self, ctx, jobs, load):
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init,
                                            initargs=(load,))
        self.started = False

    def submit(self, first, n, fmt, index, length):
        if self.started:
            return self.executor.submit(_work, first, n, fmt, index, length)
        # The first submit forks the workers. A stop signal taken inside fork's hooks is
        # printed as "Exception ignored" and lost; held, it is taken here, after them.
        with _stops_held():
            self.started = True
            return self.executor.submit(_work, first, n, fmt, index, length)

    def close(self):
        # shutdown() would wait for the running chunks, and nothing they make is wanted now;
        # Python before 3.14 has no public way to end the workers. The executor's threads
        # are waited for: a worker forked while one of them holds a lock would hang.
        for p in list((self.executor._processes or {}).values()):
            p.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)


_STOPS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
          if hasattr(signal, name)]


@contextmanager
def _stops_held():
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _result(text):
    if isinstance(text, tuple):  # an error the worker caught, rebuilt with its context
        cls, message, context = text
        raise cls(message, **context)
    return text


def _init(load):
    global _worker_dreamer
    # The parent alone answers Ctrl-C and the stop signals, and ends the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
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
