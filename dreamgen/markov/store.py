"""Built models as bytes: magic, the sha256 of the body, and a marshal body, checked when read.

Where the bytes are kept, and under which key, is :mod:`dreamgen.cache`'s job.
"""

import hashlib
import marshal
import sys
from array import array

from .build import FORMAT_VERSION

__all__ = ["dumps", "loads"]

_MAGIC = b"DGM4"


def _arrays_to_bytes(value):
    # marshal stores no arrays: each becomes bytes, its type code first.
    if value.__class__ is dict:
        return {k: _arrays_to_bytes(v) for k, v in value.items()}
    if value.__class__ is array:
        return value.typecode.encode() + value.tobytes()
    return value


def _bytes_to_arrays(value):
    if value.__class__ is dict:
        return {k: _bytes_to_arrays(v) for k, v in value.items()}
    if value.__class__ is bytes:
        a = array(chr(value[0]))
        a.frombytes(memoryview(value)[1:])
        return a
    return value


def dumps(payload):
    """The stored form of a payload (as :func:`~dreamgen.markov.build.build_payload` makes)."""
    body = marshal.dumps(_arrays_to_bytes(payload))
    return _MAGIC + hashlib.sha256(body).digest() + body


def loads(data, key):
    """``(payload, digest)`` from :func:`dumps`'s form; ValueError for damage or another key."""
    if not data.startswith(_MAGIC) or len(data) < 36:
        raise ValueError("not a dreamgen model file")
    digest, body = data[4:36], data[36:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("checksum mismatch (truncated or damaged)")
    payload = _bytes_to_arrays(marshal.loads(body))
    if (not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION
            or payload.get("byteorder") != sys.byteorder):
        raise ValueError("another format version")
    if payload.get("key") != key:
        raise ValueError("built for another corpus or settings")
    return payload, digest
