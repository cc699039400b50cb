"""The cache: one key scheme and one path for every cached artefact, and the folder kept small.

An entry is one cached artefact, stored under :func:`path`: a model (``model-*.bin``, built by
:mod:`dreamgen.markov`, stored by :mod:`dreamgen.markov.store`, and its ``.ok`` note) or a
grammar bundle (``grammar-*.bin``, packed by :mod:`dreamgen.bundle`). Each is named by
:func:`key` over the content hashes of the files it was made from, which :class:`Inputs`
finds once per load: from the digest memo (``digests.memo``) for a file unchanged since it was
hashed, so a warm start opens no grammar or corpus file, else by reading it.

Using an entry touches its file, so its modification time says when it was last used. Several
processes may share the folder: files are only ever renamed into place whole (see
:func:`write`) or unlinked, and a file that vanishes while it is being listed, touched or
removed is simply skipped. A reader that loses a file to another process's eviction finds a
cache miss and rebuilds it.
"""

import gc
import hashlib
import marshal
import mmap
import os
import sys
import time
from dataclasses import asdict, dataclass

from . import bundle
from .corpus import READ_VERSION, corpus_digest, corpus_files
from .errors import CorpusError, OutputError
from .files import atomic_writer, sealed, unsealed
from .markov import Models, store
from .markov.build import FORMAT_VERSION, build_payload
from .resources import builtin_path, cache_path, grammar_paths
from .settings import (DEFAULT_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_OVERLAY_WEIGHT,
                       ModelSettings)
from .version import __version__

__all__ = ["DEFAULT_CACHE_MAX_BYTES", "DEFAULT_CACHE_MAX_ENTRIES", "GRAMMAR", "MEMO", "MODEL",
           "Entry", "Inputs", "cached_models", "clear", "entries", "key", "load", "load_models",
           "model_key", "path", "prune", "read_memo", "save", "touch", "write", "write_memo"]

MODEL, GRAMMAR = "model", "grammar"  # the kinds of artefact, each its file name's start
_KINDS = (MODEL + "-", GRAMMAR + "-")
MEMO = "digests.memo"  # the digest memo (see Inputs), beside the entries
# As atomic_writer names them: the entries', and the memo's.
_TEMPORARIES = (*("." + kind for kind in _KINDS), f".{MEMO}.")
# A temporary file this old belongs to a writer that died; a live one renames within seconds.
_STALE_TMP_SECONDS = 3600


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def key(kind, *parts):
    """The key of a ``kind`` artefact made from ``parts`` (``name=value`` strings) by this
    dreamgen on this Python."""
    lines = [f"kind={kind}", f"dreamgen={__version__}",
             f"python={sys.version_info[0]}.{sys.version_info[1]}", *parts]
    return _sha256("\n".join(lines).encode())


def path(kind, key):
    """The cache file of the ``kind`` artefact with this key."""
    return os.path.join(cache_path(), f"{kind}-{key[:32]}.bin")


def _markovify_version():
    # importlib.metadata costs more than a whole warm start, so look for the installed
    # distribution's folder first; the version is in its name.
    import importlib.util

    spec = importlib.util.find_spec("markovify")
    if spec is None or not spec.origin:
        return "unknown"
    site = os.path.dirname(os.path.dirname(spec.origin))
    try:
        names = [n for n in os.listdir(site) if n.lower().startswith("markovify-")
                 and n.endswith((".dist-info", ".egg-info"))]
    except OSError:
        names = []
    if len(names) == 1:
        return names[0].rsplit(".", 1)[0].split("-")[1]
    import importlib.metadata

    try:
        return importlib.metadata.version("markovify")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def model_key(corpus_sha256, beats, settings, format_version):
    """The key of the model built from a corpus of this hash for ``beats`` with ``settings``."""
    # How the corpus is read (its first person reworded, say) changes the model as much as
    # how it is counted does.
    return key(MODEL, f"format={format_version}", f"read={READ_VERSION}",
               f"markovify={_markovify_version()}",
               f"corpus={corpus_sha256}", f"beats={','.join(beats)}",
               *(f"{k}={v}" for k, v in sorted(asdict(settings).items())))


class _Unusual(Exception):
    """Something only the cold path handles (and reports)."""


# -- the digest memo: a file unchanged since it was hashed is not read again -----------------

_MEMO_MAGIC = b"DGD2"
# A file changed this recently may change again within its clock's resolution (whole seconds
# on some file systems, two on FAT) and keep its timestamps, so it is not remembered yet.
_SETTLE_NS = 3_000_000_000
# Five times the built-in corpus; past it the files remembered longest ago are forgotten, so
# reading the memo stays a small part of a warm start.
_MEMO_MAX_FILES = 2_000


def _stamp(st):
    # Any write moves ctime, even one that sets mtime back; a file replaced is another inode.
    return (st.st_size, st.st_ino, st.st_dev, st.st_mtime_ns, st.st_ctime_ns)


def _memo_path():
    return os.path.join(cache_path(), MEMO)


def read_memo():
    """``path -> (size, inode, device, mtime_ns, ctime_ns, sha256)`` of the files hashed
    before; {} when the memo is missing or damaged (every file is then hashed again)."""
    data = _read(_memo_path())
    if data is None:
        return {}
    try:
        memo = marshal.loads(unsealed(_MEMO_MAGIC, data, "digest memo")[0])
    except (EOFError, ValueError, TypeError):
        return {}
    return memo if memo.__class__ is dict else {}


def write_memo(memo):
    """Store ``memo`` (as :func:`read_memo` gives it) whole or not at all; False if it cannot."""
    if len(memo) > _MEMO_MAX_FILES:
        memo = dict(list(memo.items())[-_MEMO_MAX_FILES:])
    return write(_memo_path(), sealed(_MEMO_MAGIC, marshal.dumps(memo)))


class Inputs:
    """Every file a load reads, listed once: paths and content hashes, each file read at most
    once.

    A file unchanged since a load hashed it takes its hash from the memo and is not opened;
    any other is read and hashed, and ``data`` keeps its bytes for the cold path to parse
    (:meth:`read_all` reads the rest). ``usable`` is False when a file is missing or over a
    limit: only the cold path says what is wrong. With ``digests=False`` (a load that uses no
    cache) only the paths are listed.
    """

    def __init__(self, grammars=(), corpora=(), *, builtin_corpus=True, user_overlays=True,
                 max_grammar_bytes, max_corpus_bytes, overlay_weight=DEFAULT_OVERLAY_WEIGHT,
                 digests=True):
        self.overlay_weight = float(overlay_weight)  # 1 and 1.0 are one key
        self.arc_path, self.layer_paths = grammar_paths(grammars, user_overlays=user_overlays)
        self.corpus_sources = ((builtin_path("corpus"),) if builtin_corpus else ()) \
            + tuple(os.fspath(c) for c in corpora)
        self.user_from = 1 if builtin_corpus else 0  # corpus_sources[user_from:] are the user's
        self.data, self.usable = {}, False
        self._unread = {}  # path -> (hash from the memo, the limit it was listed under)
        if not digests:
            return
        memo, self._learnt = read_memo(), {}
        try:
            self.arc_sha256 = self._hash(self.arc_path, max_grammar_bytes * 100, memo)[0]
            self.layer_sha256 = [self._hash(p, max_grammar_bytes, memo)[0]
                                 for p in self.layer_paths]
            if not self.corpus_sources:
                return
            hashes, user, total = [], [], 0
            for n, source in enumerate(self.corpus_sources):
                for f in corpus_files(source):
                    digest, size = self._hash(f, max_corpus_bytes - total, memo)
                    hashes.append(digest)
                    user.append(n >= self.user_from)
                    total += size
        except (OSError, CorpusError, _Unusual):
            return
        finally:
            if self._learnt:
                memo.update(self._learnt)
                write_memo(memo)
        # The same digest read_corpus gives: the hash of the files' hashes, in order.
        self.corpus_sha256 = corpus_digest(hashes, user)
        self.usable = True

    def _hash(self, path, max_bytes, memo):
        """``(sha256, size)`` of the file at ``path``, from ``memo`` when it is unchanged."""
        st = os.stat(path)
        if st.st_size > max_bytes:
            raise _Unusual(path)
        stamp = _stamp(st)
        known = memo.get(path)
        if known.__class__ is tuple and known[:-1] == stamp and known[-1].__class__ is str:
            self._unread[path] = (known[-1], max_bytes)
            return known[-1], st.st_size
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
            after = _stamp(os.fstat(f.fileno()))
        if len(data) > max_bytes:
            raise _Unusual(path)
        self.data[path] = data
        digest = _sha256(data)
        # What was read is what the stamp says only if nothing wrote the file meanwhile.
        if after == stamp and len(data) == st.st_size \
                and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLE_NS:
            self._learnt[path] = (*stamp, digest)
        return digest, len(data)

    def read_all(self):
        """Read the files whose hashes came from the memo, for the cold path to parse, and
        check them: a file whose bytes do not give its remembered hash is forgotten, and
        leaves these inputs unusable, so nothing is stored under a key it does not match."""
        wrong = []
        for path, (digest, max_bytes) in self._unread.items():
            try:
                with open(path, "rb") as f:
                    data = f.read(max_bytes + 1)
            except OSError:  # the cold path reads it again, and says what is wrong
                self.usable = False
                continue
            if len(data) > max_bytes or _sha256(data) != digest:
                wrong.append(path)
                self.usable = False
                continue
            self.data[path] = data
        self._unread = {}
        if wrong:
            memo = read_memo()
            for path in wrong:
                memo.pop(path, None)
            write_memo(memo)

    @property
    def grammar_key(self):
        """The key of the grammar bundle made from these grammar files at this overlay weight."""
        return key(GRAMMAR, f"bundle={bundle.BUNDLE_FORMAT}",
                   f"arc={self.arc_path}={self.arc_sha256}",
                   f"overlay_weight={self.overlay_weight!r}",
                   *(f"layer={p}={h}" for p, h in zip(self.layer_paths, self.layer_sha256)))


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
    """Mark cache files as just used (a file gone meanwhile, or a read-only folder, is skipped).

    Every use is marked, so eviction follows the real order of use: one ``utime`` a file
    (about 3 us, as long as a ``stat``) costs a warm start nothing measurable.
    """
    for path in paths:
        try:
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
    """Remove every entry, and the digest memo; returns the entries."""
    folder = cache_path() if folder is None else os.fspath(folder)
    found = entries(folder)
    for entry in found:
        for path in entry.paths:
            _unlink(path)
    _unlink(os.path.join(folder, MEMO))
    return found


# -- models: built by dreamgen.markov, stored by dreamgen.markov.store ------------------------

def _read(file):
    """A cache file's bytes, or None when it cannot be read (never built, evicted meanwhile)."""
    try:
        with open(file, "rb") as f:
            return f.read()
    except OSError:
        return None


def _map(file):
    """A model file's bytes, mapped rather than read, or None when it cannot be opened."""
    try:
        with open(file, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return b""  # no mapping of nothing: still a damaged file, not a missing one
            # Read through the mapping, each array is copied once, from the page cache.
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError:
        return None


def _checked(file, data, key):
    """The models in cache file ``file`` (read as ``data``), validated unless this exact
    content was validated before.

    The checksum catches damage in storage; :meth:`Models.validate` catches a file that is
    whole but wrong. Validating walks every array, so a ``.ok`` file beside the cache records
    the digest of the content that passed, and the same content is not walked again.
    """
    payload, digest = store.loads(data, key)
    models = Models(payload)
    ok = file + ".ok"
    try:
        with open(ok, "rb") as f:
            if f.read() == digest:
                return models
    except OSError:
        pass
    models.validate()
    write(ok, digest)
    return models


def cached_models(corpus_sha256, beats, settings=ModelSettings()):
    """The cached models for a corpus of this content hash, or None (missing or unusable)."""
    k = model_key(corpus_sha256, beats, settings, FORMAT_VERSION)
    file = path(MODEL, k)
    data = _map(file)
    if data is None:
        return None
    try:
        return _checked(file, data, k)
    except Exception:  # load_models rebuilds it, and says why
        return None


def load_models(corpus, beats, settings=ModelSettings(), *, use_cache=True, warn=None):
    """The models for ``corpus``: from the cache when it holds a whole, matching file.

    A damaged or stale cache file is a miss: it is rebuilt, and ``warn`` (if given) is told why.
    """
    if not use_cache:
        return Models(build_payload(corpus, beats, settings))
    k = model_key(corpus.sha256, beats, settings, FORMAT_VERSION)
    file = path(MODEL, k)
    # A file another process evicted before it could be opened is a plain miss, not damage.
    data = _map(file)
    if data is not None:
        try:
            return _checked(file, data, k)
        except Exception as exc:  # any damage at all means: rebuild
            if warn is not None:
                warn(f"{file}: damaged model cache ({exc}); rebuilding it")
    payload = build_payload(corpus, beats, settings, cache_key=k)
    models = Models(payload)
    # Checked once as built, so every later load of this content can skip it.
    models.validate()
    data = store.dumps(payload)
    if write(file, data, sync=True):
        write(file + ".ok", store.digest(data))
    elif warn is not None:
        warn(f"{file}: cannot write model cache; continuing without it")
    return models


# -- grammar bundles: packed by dreamgen.bundle ------------------------------------------------

def load(inputs, settings):
    """``(arc, grammar, models, facts)`` from the caches (``facts``: see :func:`save`), or None
    for the cold path to take over."""
    if not inputs.usable:
        return None
    # What is unpacked here is acyclic and kept, so a collection meanwhile (a few ms of them
    # in a warm start, as the objects pile up) could free nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(inputs, settings)
    finally:
        if paused:
            gc.enable()


def _load(inputs, settings):
    k = inputs.grammar_key
    file = path(GRAMMAR, k)
    try:
        with open(file, "rb") as f:
            found = bundle.loads(f.read(), k)
    except OSError:
        return None
    if found is None:
        return None
    arc, grammar, facts = found
    models = cached_models(inputs.corpus_sha256, arc.names, settings.model)
    if models is None:
        return None
    # The corpus was checked against another grammar or arc when its model was built.
    if not facts["known"].issuperset(models.tags) \
            or not set(arc.names).issuperset(models.beats_used):
        return None
    touch(file, _model_file(inputs.corpus_sha256, arc.names, settings.model))
    return arc, grammar, models, facts


def save(inputs, arc, grammar, facts, corpus_sha256, settings):
    """Remember a cold load that passed every check, then prune the cache.

    The grammar bundle, with ``facts`` (sets of names made from the grammar and arc alone;
    ``facts["known"]``: every name a corpus tag may use), is written only when ``inputs``
    holds the bytes that ``grammar`` was parsed from; the model is already stored.
    """
    keep = [_model_file(corpus_sha256, arc.names, settings.model)]
    if inputs.usable and inputs.corpus_sha256 == corpus_sha256:
        k = inputs.grammar_key
        try:
            data = bundle.dumps(arc, grammar, facts, k)
        except ValueError:  # marshal meets a value it cannot store
            data = None
        if data is not None and write(path(GRAMMAR, k), data):
            keep.append(path(GRAMMAR, k))
    touch(*keep)
    prune(keep=keep)


def _model_file(corpus_sha256, beats, settings):
    return path(MODEL, model_key(corpus_sha256, beats, settings, FORMAT_VERSION))
