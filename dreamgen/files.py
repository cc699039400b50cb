"""Read input files (a size limit, so no input can exhaust memory, and strict UTF-8) and
write cache files whole or not at all."""

import os
from pathlib import Path

__all__ = ["decode_utf8", "read_limited", "write_atomic"]


def write_atomic(path, data, *, sync=False):
    """Write ``data`` (bytes) to ``path`` through a temporary file beside it and a rename.

    A reader never sees half a file, two processes writing the same file each rename a whole
    one into place, and a failure leaves no temporary file. Raises ``OSError``.
    """
    import tempfile

    folder = os.path.dirname(os.fspath(path)) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(os.fspath(path)) + ".", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
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
