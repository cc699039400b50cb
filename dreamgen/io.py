"""Write output safely: to a temporary file beside the target, then rename it into place."""

import os
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_writer", "check_target"]


def check_target(path, *, force=False):
    """Raise :class:`OutputError` unless ``path`` may be written (a new file, or ``force``)."""
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a directory; give a file name", path=path)
    if target.exists() and not force:
        raise OutputError("already exists; use --force to replace it", path=path)


def _mode(target):
    # mkstemp makes the file private (0600); give it the mode a plain open() would have,
    # or keep the mode of the file it replaces.
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_writer(path, *, force=False):
    """Yield a text file; on success it replaces ``path`` whole, on any failure nothing changes.

    Refuses an existing ``path`` unless ``force``. The text is UTF-8 with ``\\n`` line ends,
    flushed and synced before the rename; an exception, a full disk or Ctrl-C leaves any
    earlier file whole and no temporary file behind.
    """
    target = Path(path)
    check_target(target, force=force)
    folder = target.parent if str(target.parent) else Path(".")
    mode = _mode(target)
    try:
        import tempfile  # only when writing a file: it costs 3 ms to import

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
        raise
