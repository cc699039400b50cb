"""Write output safely: to a temporary file beside the target, then rename it into place."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_writer"]


@contextmanager
def atomic_writer(path, *, force=False):
    """Yield a text file; on success it replaces ``path`` whole, on any failure nothing changes.

    Refuses an existing ``path`` unless ``force``.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a directory", path=path)
    if target.exists() and not force:
        raise OutputError("already exists; use --force to replace it", path=path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror}", path=path) from None
        raise
