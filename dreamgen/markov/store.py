"""Built models in the cache: one file a corpus, settings and arc, checked when read."""

import hashlib
import marshal
import os
import sys
from array import array
from dataclasses import asdict

from ..cache import write
from .build import FORMAT_VERSION, ModelSettings, build_payload
from .model import Models

__all__ = ["cache_key", "cached_models", "dumps", "load_models", "loads", "model_path"]

_MAGIC = b"DGM4"


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


def cache_key(corpus_sha256, beats, settings, version):
    """The model cache key: format, versions, the corpus's hash, the beats and the settings."""
    parts = [f"format={FORMAT_VERSION}", f"dreamgen={version}",
             f"markovify={_markovify_version()}",
             f"python={sys.version_info[0]}.{sys.version_info[1]}", f"corpus={corpus_sha256}",
             f"beats={','.join(beats)}",
             *(f"{k}={v}" for k, v in sorted(asdict(settings).items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def model_path(key):
    """The cache file of the model with this key."""
    from ..resources import cache_path

    return os.path.join(cache_path(), f"model-{key[:32]}.bin")


def _encode(value):
    # marshal stores no arrays: each becomes bytes, its type code first.
    if value.__class__ is dict:
        return {k: _encode(v) for k, v in value.items()}
    if value.__class__ is array:
        return value.typecode.encode() + value.tobytes()
    return value


def _decode(value):
    if value.__class__ is dict:
        return {k: _decode(v) for k, v in value.items()}
    if value.__class__ is bytes:
        a = array(chr(value[0]))
        a.frombytes(memoryview(value)[1:])
        return a
    return value


def dumps(payload):
    """The stored form of a payload (as :func:`~dreamgen.markov.build.build_payload` makes)."""
    body = marshal.dumps(_encode(payload))
    return _MAGIC + hashlib.sha256(body).digest() + body


def loads(data, key):
    """A payload from :func:`dumps`'s form; ValueError for damage or another key."""
    if not data.startswith(_MAGIC) or len(data) < 36:
        raise ValueError("not a dreamgen model file")
    digest, body = data[4:36], data[36:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("checksum mismatch (truncated or damaged)")
    payload = _decode(marshal.loads(body))
    if (not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION
            or payload.get("byteorder") != sys.byteorder):
        raise ValueError("another format version")
    if payload.get("key") != key:
        raise ValueError("built for another corpus or settings")
    return payload, digest


def _checked(path, key):
    """The models in a cache file, validated unless this exact content was validated before.

    The checksum catches damage in storage; :meth:`Models.validate` catches a file that is
    whole but wrong. Validating walks every array, so a ``.ok`` file beside the cache records
    the digest of the content that passed, and the same content is not walked again.
    """
    with open(path, "rb") as f:
        payload, digest = loads(f.read(), key)
    models = Models(payload)
    ok = path + ".ok"
    try:
        with open(ok, "rb") as f:
            if f.read() == digest:
                return models
    except OSError:
        pass
    models.validate()
    write(ok, digest)
    return models


def cached_models(corpus_sha256, beats, settings=ModelSettings(), *, version):
    """The cached models for a corpus of this content hash, or None (missing or unusable)."""
    key = cache_key(corpus_sha256, beats, settings, version)
    try:
        return _checked(model_path(key), key)
    except Exception:  # load_models rebuilds it, and says why
        return None


def load_models(corpus, beats, settings=ModelSettings(), *, version, use_cache=True, warn=None):
    """The models for ``corpus``: from the cache when it holds a whole, matching file.

    A damaged or stale cache file is a miss: it is rebuilt, and ``warn`` (if given) is told why.
    """
    if not use_cache:
        return Models(build_payload(corpus, beats, settings))
    key = cache_key(corpus.sha256, beats, settings, version)
    path = model_path(key)
    if os.path.exists(path):
        try:
            return _checked(path, key)
        except Exception as exc:  # any damage at all means: rebuild
            if warn is not None:
                warn(f"{path}: damaged model cache ({exc}); rebuilding it")
    payload = build_payload(corpus, beats, settings, cache_key=key)
    models = Models(payload)
    # Checked once as built, so every later load of this content can skip it.
    models.validate()
    data = dumps(payload)
    if write(path, data, sync=True):
        write(path + ".ok", data[4:36])
    elif warn is not None:
        warn(f"{path}: cannot write model cache; continuing without it")
    return models
