"""The cache folder kept small: what it holds, least-recently-used eviction, and clearing.

An entry is one cached artefact: a model (``model-*.bin`` and its ``.ok`` note) or a grammar
bundle (``grammar-*.bin``). Using an entry touches its file, so its modification time says when
it was last used. Several processes may share the folder: files are only ever renamed into
place whole (see :func:`write`) or unlinked, and a file that vanishes
while it is being listed, touched or removed is simply skipped. A reader that loses a file
to another process's eviction finds a cache miss and rebuilds it.
"""

import os
import time
from dataclasses import dataclass

from .errors import OutputError
from .files import atomic_writer
from .resources import cache_path

__all__ = ["DEFAULT_CACHE_MAX_BYTES", "DEFAULT_CACHE_MAX_ENTRIES", "Entry", "clear", "entries",
           "prune", "touch", "used", "write"]

# About seven corpus-and-grammar edits' worth: a model is about 2.2 MB, a bundle 0.9 MB.
DEFAULT_CACHE_MAX_ENTRIES = 16
DEFAULT_CACHE_MAX_BYTES = 50_000_000
_KINDS = ("model-", "grammar-")
_TEMPORARIES = tuple("." + kind for kind in _KINDS)  # as atomic_writer names them
_TOUCH_AFTER = 3600
# A temporary file this old belongs to a writer that died; a live one renames within seconds.
_STALE_TMP_SECONDS = 3600


@dataclass(frozen=True)
class Entry:
    """One cached artefact: its name, files, total size and when it was last used."""

    name: str
    paths: tuple
    size: int
    used: float


def _stem(filename):
    """The entry a cache file belongs to, or None for a file that is not dreamgen's."""
    if not filename.startswith(_KINDS) or filename.endswith(".tmp"):
        return None
    if filename.endswith(".bin.ok"):
        return filename[:-len(".ok")]
    return filename if filename.endswith(".bin") else None


def entries(folder=None):
    """The cache's entries, least recently used first."""
    folder = cache_path() if folder is None else os.fspath(folder)
    grouped = {}
    try:
        listing = list(os.scandir(folder))
    except OSError:  # missing, not a folder, or unreadable: nothing to list
        return []
    for item in listing:
        stem = _stem(item.name)
        if stem is None:
            continue
        try:
            st = item.stat()
        except OSError:  # removed by another process meanwhile
            continue
        paths, size, used = grouped.get(stem, ((), 0, 0.0))
        # The .bin's time is the entry's: a .ok note is rewritten only when content changes.
        when = st.st_mtime if item.name == stem else used
        grouped[stem] = ((*paths, item.path), size + st.st_size, max(used, when))
    found = [Entry(stem, tuple(sorted(p)), size, used)
             for stem, (p, size, used) in grouped.items()]
    return sorted(found, key=lambda e: (e.used, e.name))


def write(path, data, *, sync=False):
    """Store ``data`` (bytes) at ``path`` in the cache whole or not at all; False if it cannot."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with atomic_writer(path, force=True, binary=True, sync=sync) as f:
            f.write(data)
    except (OSError, OutputError):
        return False
    return True


def _unlink(path):
    try:
        os.unlink(path)
        return True
    except OSError:  # gone already (another process), or not ours to remove
        return False


def touch(*paths):
    """Mark cache files as just used (a file gone meanwhile is skipped).

    A file used within the last :data:`_TOUCH_AFTER` seconds is left alone: a warm start then
    writes nothing at all, and an hour is fine enough to tell the newest entries apart.
    """
    now = time.time()
    for path in paths:
        try:
            if now - os.stat(path).st_mtime > _TOUCH_AFTER:
                os.utime(path)
        except OSError:
            pass


def prune(folder=None, *, keep=(), max_entries=None, max_bytes=None):
    """Remove least recently used entries until at most ``max_entries`` and ``max_bytes``
    (by default :data:`DEFAULT_CACHE_MAX_ENTRIES` and :data:`DEFAULT_CACHE_MAX_BYTES`)
    remain; returns the entries removed. The newest entry, and the entries of the files in
    ``keep`` (those the caller has just used), are never removed."""
    folder = cache_path() if folder is None else os.fspath(folder)
    # Read when called, not when defined, so a program (or a test session) may raise them.
    max_entries = DEFAULT_CACHE_MAX_ENTRIES if max_entries is None else max_entries
    max_bytes = DEFAULT_CACHE_MAX_BYTES if max_bytes is None else max_bytes
    found = entries(folder)
    kept = {os.path.basename(os.fspath(p)) for p in keep}
    total = sum(e.size for e in found)
    removed = []
    count = len(found)
    candidates = [e for e in found[:-1] if e.name not in kept]
    while candidates and (count > max_entries or total > max_bytes):
        oldest = candidates.pop(0)
        count -= 1
        total -= oldest.size
        # The .bin first: without it a leftover .ok is never read, and is listed again.
        for path in sorted(oldest.paths, key=lambda p: p.endswith(".ok")):
            _unlink(path)
        removed.append(oldest)
    _remove_stale_temporaries(folder)
    return removed


def _remove_stale_temporaries(folder):
    cutoff = time.time() - _STALE_TMP_SECONDS
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return
    for item in listing:
        if item.name.startswith(_TEMPORARIES) and item.name.endswith(".tmp"):
            try:
                if item.stat().st_mtime < cutoff:
                    _unlink(item.path)
            except OSError:
                pass


def clear(folder=None):
    """Remove every entry; returns them."""
    folder = cache_path() if folder is None else os.fspath(folder)
    found = entries(folder)
    for entry in found:
        for path in entry.paths:
            _unlink(path)
    return found


def used(corpus, beats, model_settings, *paths):
    """Touch the model built from ``corpus`` (a Corpus or its sha256) for ``beats`` with
    ``model_settings``, and ``paths``, as just used; returns them all."""
    from .markov.store import cache_key, model_path
    from .version import __version__

    sha = corpus if isinstance(corpus, str) else corpus.sha256
    paths = (model_path(cache_key(sha, beats, model_settings, __version__)), *paths)
    touch(*paths)
    return paths
