"""Resumable output for long runs: finished dreams kept in a partial file beside the target.

``FILE.partial`` holds the output so far, and ``FILE.partial.json`` the run it belongs to (seed
range, format, the digests of grammar, corpus, settings and version) and a checkpoint: how
many dreams, in how many bytes, are safely on disk. A run killed at any point (SIGKILL, out of
memory, a lost node) goes on from its last checkpoint, and the finished file is renamed into
place, the same bytes as a run never interrupted.
"""

import json
import os
import time
from pathlib import Path

from .version import __version__
from .errors import OutputError
from .files import check_target, file_mode
from .settings import DEFAULT_CHECKPOINT_SECONDS, DEFAULT_LENGTH

__all__ = ["DEFAULT_CHECKPOINT_SECONDS", "Resumable", "finished", "partial_path", "run_state",
           "state_path"]


def partial_path(path):
    """Where the output of an unfinished resumable run of ``path`` is kept."""
    return Path(f"{path}.partial")


def state_path(path):
    """Where the run and checkpoint of ``partial_path(path)`` are kept."""
    return Path(f"{path}.partial.json")


def run_state(dreamer, *, seed, count, fmt, length=DEFAULT_LENGTH):
    """What a run must match to resume another: its range and format, and what made it."""
    import hashlib

    settings = hashlib.sha256(repr(dreamer.settings).encode()).hexdigest()
    return {"dreamgen": __version__, "format": fmt, "length": length, "seed": seed, "count": count,
            "grammar_sha256": dreamer.grammar_sha256, "corpus_sha256": dreamer.corpus_sha256,
            "settings_sha256": settings}


def finished(path):
    """Whether ``path`` is there with no partial file to resume (a stale state is removed)."""
    if not Path(path).exists() or partial_path(path).exists():
        return False
    state_path(path).unlink(missing_ok=True)  # left by a run stopped just after its rename
    return True


class Resumable:
    """A context manager that appends finished chunks to ``FILE.partial`` and checkpoints.

    ``done`` is how many dreams the partial file already holds when it is entered. On an
    exception (or a stop signal) the partial file and its state stay for the next run;
    :meth:`finish` renames the partial file into place.
    """

    def __init__(self, path, state, *, force=False, every=DEFAULT_CHECKPOINT_SECONDS,
                 clock=time.monotonic):
        self.path, self.state, self.force = Path(path), dict(state), force
        self.partial, self.state_file = partial_path(path), state_path(path)
        # One fixed name, not a fresh temporary one: a kill mid-checkpoint leaves at most
        # this file, which the next run replaces and the finished one removes.
        self.state_tmp = Path(f"{self.state_file}.tmp")
        self.every, self.clock = every, clock
        # (dreams, bytes) in the partial file, one value so that a signal between two
        # assignments can never checkpoint dreams without their bytes.
        self.mark = (0, 0)
        self.file = None
        self.first = True

    @property
    def done(self):
        """Dreams in the partial file so far."""
        return self.mark[0]

    def __enter__(self):
        saved = self._saved()
        try:
            if saved is None:
                self.file = open(self.partial, "wb")
                self._checkpoint()
            else:
                self.mark = (saved["done"], saved["bytes"])
                self.file = open(self.partial, "r+b")
                # Whatever follows the checkpoint (a torn last record) is made again.
                self.file.truncate(self.mark[1])
                self.file.seek(self.mark[1])
        except OSError as exc:
            self._close()
            raise OutputError(f"cannot write: {exc.strerror or exc}",
                              path=self.partial) from None
        self.last = self.clock()
        return self

    def _saved(self):
        """The checkpoint to go on from, or None to start afresh; OutputError on a mismatch."""
        if not self.state_file.exists():
            if self.partial.exists():
                raise OutputError(f"has no {self.state_file.name} beside it, so it cannot be "
                                  "resumed; remove it to start again", path=self.partial)
            return None
        try:
            saved = json.loads(self.state_file.read_bytes())
            mark = (saved["done"], saved["bytes"])
        except (OSError, ValueError, KeyError, TypeError):
            raise OutputError("is not a dreamgen resume state; remove it and "
                              f"{self.partial.name} to start again",
                              path=self.state_file) from None
        differ = [k for k in self.state if saved.get(k) != self.state[k]]
        if differ:
            raise OutputError(
                f"was made by another run ({', '.join(differ)} differ); rerun with the same "
                f"options, or remove it and {self.state_file.name} to start again",
                path=self.partial)
        if not self.partial.exists():
            return None
        if self.partial.stat().st_size < mark[1]:
            raise OutputError(f"is shorter than {self.state_file.name} says; remove both to "
                              "start again", path=self.partial)
        return saved

    def write(self, text, n):
        """Append ``text``, which holds ``n`` whole dreams (0 for the run's closing text)."""
        data = text.encode("utf-8")
        self.file.write(data)
        if n:
            self.mark = (self.mark[0] + n, self.mark[1] + len(data))
            # The first chunk always: a disk that fills within the first interval would
            # otherwise leave a checkpoint of none, and the next run would make them all again.
            if self.clock() - self.last >= self.every or self.first:
                self.first = False
                self._checkpoint()

    def _checkpoint(self):
        # The data first, then the state that points at it: a crash never leaves a
        # checkpoint past what is on disk.
        self.file.flush()
        os.fsync(self.file.fileno())
        done, size = self.mark
        try:
            self.state_tmp.write_bytes(json.dumps({**self.state, "done": done, "bytes": size},
                                                  indent=1).encode())
            os.replace(self.state_tmp, self.state_file)
        except OSError:
            self.state_tmp.unlink(missing_ok=True)
            raise
        self.last = self.clock()

    def finish(self):
        """Rename the finished partial file into place and remove its state."""
        mode = file_mode(self.path)
        self.file.flush()
        os.fsync(self.file.fileno())
        self._close()
        check_target(self.path, force=self.force)
        os.chmod(self.partial, mode)
        os.replace(self.partial, self.path)
        self.state_file.unlink()
        self.state_tmp.unlink(missing_ok=True)

    def _close(self):
        if self.file is not None:
            self.file.close()
            self.file = None

    def __exit__(self, kind, exc, tb):
        if self.file is not None:
            try:
                self._checkpoint()
            except OSError:
                pass  # the last checkpoint stands
            self._close()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror or exc}; the dreams made so far "
                              f"are kept in {self.partial.name}, and --resume goes on from "
                              "them", path=self.path) from None
        return False
