"""Built models as bytes: sealed (magic, the body's CRC-32, the body) and checked when read.

The body is the length of a marshal head, the head (the payload with each array replaced by
a reference to its bytes), then every array's bytes. The arrays come after the head, so a
reader that maps the file copies each array once, straight from the mapping.

Where the bytes are kept, and under which key, is :mod:`dreamgen.cache`'s job.
"""

import marshal
import sys
from array import array

from ..files import sealed, unsealed
from .build import FORMAT_VERSION

__all__ = ["digest", "dumps", "loads"]

_MAGIC = b"DGM6"


def _ref(typecode, start, size):
    # marshal stores no arrays: each is bytes of its type code, start and size in the body.
    return typecode.encode() + start.to_bytes(8, "little") + size.to_bytes(8, "little")


def dumps(payload):
    """The stored form of a payload (as :func:`~dreamgen.markov.build.build_payload` makes)."""
    blobs, at = [], 0

    def refs(value):
        nonlocal at
        if value.__class__ is dict:
            return {k: refs(v) for k, v in value.items()}
        if value.__class__ is array:
            raw = value.tobytes()
            blobs.append(raw)
            at += len(raw)
            return _ref(value.typecode, at - len(raw), len(raw))
        return value

    head = marshal.dumps(refs(payload))
    return sealed(_MAGIC, b"".join([len(head).to_bytes(8, "little"), head, *blobs]))


def loads(data, key):
    """``(payload, digest)`` from :func:`dumps`'s form (bytes, or a mapped file); ValueError for
    damage or another key. The digest (the checksum) names the content, for
    :func:`dreamgen.cache.load_models` to remember it validated."""
    body, digest = unsealed(_MAGIC, data, "model")
    size = int.from_bytes(body[:8], "little")
    blobs = body[8 + size:]

    def arrays(value):
        if value.__class__ is dict:
            return {k: arrays(v) for k, v in value.items()}
        if value.__class__ is bytes:
            start = int.from_bytes(value[1:9], "little")
            a = array(chr(value[0]))
            a.frombytes(blobs[start:start + int.from_bytes(value[9:17], "little")])
            return a
        return value

    payload = arrays(marshal.loads(body[8:8 + size]))
    if (not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION
            or payload.get("byteorder") != sys.byteorder):
        raise ValueError("another format version")
    if payload.get("key") != key:
        raise ValueError("built for another corpus or settings")
    return payload, digest


def digest(data):
    """The digest :func:`loads` gives with the payload of ``data``, :func:`dumps`'s form."""
    return unsealed(_MAGIC, data, "model")[1]
