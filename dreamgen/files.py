"""Read input files (a size limit, so no input can exhaust memory, and strict UTF-8), keep
what was made of them, write files whole or not at all, and seal what the cache keeps
against damage."""

import os
import zlib
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = ["Memo", "atomic_writer", "check_target", "decode_utf8", "file_mode", "read_limited",
           "sealed", "unsealed"]


class Memo:
    """At most ``size`` values by key, the oldest dropped first (none kept at size 0).

    A process that loads again (a test run, a caller trying overlay after overlay) re-reads
    and re-checks the same built-in files each time; what was made of the same bytes is the
    same, so the grammar reader, the corpus reader and the grammar checker keep it here.
    """

    def __init__(self, size):
        self.size, self._kept = size, {}

    def get(self, key):
        return self._kept.get(key)

    def keep(self, key, value):
        """Keep ``value`` under ``key`` and return it."""
        if self.size > 0:
            if len(self._kept) >= self.size:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = value
        return value


def check_target(path, *, force=False):
    """Raise :class:`OutputError` unless ``path`` may be written (a new file, or ``force``)."""
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a directory; give a file name", path=path)
    if target.exists() and not force:
        raise OutputError("already exists; use --force to replace it", path=path)


def file_mode(path):
    """The mode a plain ``open(path, "w")`` would give: that of the file it replaces, or the
    umask's."""
    # mkstemp makes the file private (0600), which a replaced or new file should not become.
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_writer(path, *, force=False, binary=False, sync=True):
    """Yield a file; on success it replaces ``path`` whole, on any failure nothing changes.

    Refuses an existing ``path`` unless ``force``. Text is UTF-8 with ``\\n`` line ends;
    ``binary`` gives a bytes file instead. The temporary file sits beside ``path`` (hidden, so
    a listing of the folder skips it) and is renamed into place, so a reader never sees half a
    file and two processes writing one path each rename a whole one. ``sync`` flushes it to
    disk first. An exception, a full disk or Ctrl-C leaves any earlier file whole and no
    temporary file behind; an operating-system failure is an :class:`OutputError`.
    """
    import tempfile  # only when writing a file: it costs 3 ms to import

    target = Path(path)
    check_target(target, force=force)
    mode = file_mode(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=path) from None
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as f:
            yield f
            if sync:
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


def read_limited(path, max_bytes, error, *, what="file", option="", over=None):
    """The bytes of ``path``; ``error`` (a DreamgenError class) for anything unreadable.

    Reads at most ``max_bytes + 1`` bytes: ``/dev/zero`` or a growing file cannot exhaust
    memory, while pipes such as ``<(cat g.json)`` still work. ``option`` names the setting
    that raises the limit; ``over``, if given, replaces the whole over-the-limit message.
    """
    p = Path(path)
    if p.is_dir():
        raise error(f"is a directory, expected a {what}", path=path)
    try:
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise error("no such file", path=path) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    if len(data) > max_bytes:
        if over:
            raise error(over, path=path)
        hint = f" (raise it with {option})" if option else ""
        raise error(f"{what} is over the limit of {max_bytes:,} bytes{hint}", path=path)
    return data


def decode_utf8(path, data, error):
    """``data`` as text (a leading BOM dropped), or ``error`` naming the first bad byte."""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = skip + exc.start
        raise error(f"not UTF-8 text (bad byte 0x{data[at]:02x} at byte offset {at}); "
                    "save it as UTF-8", path=path) from None


def sealed(magic, body):
    """``body`` as a cache file keeps it: ``magic``, the body's CRC-32, then the body."""
    # A CRC, not a cryptographic hash: it is there to catch damage in storage (it finds every
    # burst of up to 32 bits), and it reads the 6 MB model in a third of sha256's time.
    return magic + zlib.crc32(body).to_bytes(4, "little") + body


def unsealed(magic, data, what):
    """``(body, crc)`` of :func:`sealed`'s form in ``data`` (bytes, or a mapped file, whose
    body is then a view of it); ValueError when it is no ``what`` file, or is damaged."""
    view = memoryview(data)
    at = len(magic) + 4
    if len(view) < at or view[:len(magic)] != magic:
        raise ValueError(f"not a dreamgen {what} file")
    body, crc = view[at:], bytes(view[len(magic):at])
    if zlib.crc32(body).to_bytes(4, "little") != crc:
        raise ValueError("checksum mismatch (truncated or damaged)")
    return body, crc
