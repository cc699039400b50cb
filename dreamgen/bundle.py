"""The grammar bundle: a layered, pre-parsed grammar and arc in a form a warm start reads fast.

A cold :meth:`Dreamer.load` reads, checks and parses every grammar file; a warm one takes the
parsed grammar from a bundle that :mod:`dreamgen.cache` keyed by the files' content hashes:
nothing is parsed or checked again, because the same bytes were parsed and checked when the
bundle was written. Only ``marshal`` and ``hashlib`` are needed here, so a warm start imports
no parser.
"""

import marshal
from dataclasses import fields
from hashlib import sha256

from .grammar import Action, Arc, Beat, Grammar, Layer, Motif, Tag

__all__ = ["BUNDLE_FORMAT", "dumps", "loads", "pack", "unpack"]

BUNDLE_FORMAT = 4
_MAGIC = b"DGG1"
_TAG, _ACTION = 0, 1


# -- packing: marshal holds only plain values, so Tag and Action become tagged tuples ---------

def _pack_rule(rule):
    if all(item.__class__ is str for item in rule):
        return rule
    return tuple(item if item.__class__ is str else _pack_node(item) for item in rule)


def _pack_node(node):
    if isinstance(node, Tag):
        return (_TAG, node.symbol, node.modifiers,
                tuple(_pack_node(a) for a in node.preactions), node.raw)
    return (_ACTION, node.kind, node.target, tuple(_pack_rule(r) for r in node.rules), node.raw)


def _unpack_rule(rule):
    if all(item.__class__ is str for item in rule):
        return rule
    return tuple(item if item.__class__ is str else _unpack_node(item) for item in rule)


def _unpack_node(t):
    if t[0] == _TAG:
        return Tag(t[1], t[2], tuple(_unpack_node(a) for a in t[3]), t[4])
    return Action(t[1], t[2], tuple(_unpack_rule(r) for r in t[3]), t[4])


def _fields(obj):
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _build(cls, stored):
    # A bundle from a build whose class had other fields is stale: the load goes cold.
    if set(stored) != {f.name for f in fields(cls)}:
        raise ValueError(f"stale {cls.__name__}")
    return cls(**stored)


def pack(arc, grammar, known, key):
    """The storable form of a checked arc and grammar (``known``: every name a tag may use)."""
    return {
        "format": BUNDLE_FORMAT,
        "key": key,
        "arc": (arc.path, arc.cast, tuple(_fields(b) for b in arc.beats), arc.lengths,
                arc.title_template, tuple(_fields(m) for m in arc.motifs)),
        # Every field, so error locations and columns are as right as after a cold load.
        "layers": tuple(_fields(lay) for lay in grammar.layers),
        "rules": grammar.rules,
        "origin": grammar.origin,
        "compiled": {s: tuple(_pack_rule(r) for r in rules)
                     for s, rules in grammar.compiled.items()},
        "sha256": grammar.sha256,
        "weights": grammar.weights,
        "known": tuple(sorted(known)),
    }


def unpack(payload):
    """``(arc, grammar, known)`` from :func:`pack`'s form."""
    path, cast, beats, lengths, title, motifs = payload["arc"]
    arc = Arc(beats=tuple(_build(Beat, b) for b in beats), cast=cast, path=path,
              lengths=lengths, title_template=title,
              motifs=tuple(_build(Motif, m) for m in motifs))
    layers = tuple(_build(Layer, lay) for lay in payload["layers"])
    compiled = {s: tuple(_unpack_rule(r) for r in rules)
                for s, rules in payload["compiled"].items()}
    grammar = Grammar(rules=payload["rules"], origin=payload["origin"], compiled=compiled,
                      sha256=payload["sha256"], layers=layers, weights=payload["weights"])
    return arc, grammar, frozenset(payload["known"])


# -- the file: magic, sha256 of the body, marshal body --------------------------------------

def dumps(arc, grammar, known, key):
    """The stored form of a checked arc and grammar; ValueError for a value marshal refuses."""
    body = marshal.dumps(pack(arc, grammar, known, key))
    return _MAGIC + sha256(body).digest() + body


def loads(data, key):
    """``(arc, grammar, known)`` from :func:`dumps`'s form, or None when it is damaged, stale
    or for another key."""
    body = data[36:]
    if data[:4] != _MAGIC or sha256(body).digest() != data[4:36]:
        return None
    try:
        payload = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT \
            or payload.get("key") != key:
        return None
    try:
        return unpack(payload)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # whole but not ours (a bug or a hand edit): the cold path rebuilds it
