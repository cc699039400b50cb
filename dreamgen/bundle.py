"""The grammar bundle: a layered, pre-parsed grammar and arc in a form a warm start reads fast.

A cold :meth:`Dreamer.load` reads, checks and parses every grammar file; a warm one takes the
parsed grammar from a bundle that :mod:`dreamgen.cache` keyed by the files' content hashes:
nothing is parsed or checked again, because the same bytes were parsed and checked when the
bundle was written. Only ``marshal`` and ``zlib`` are needed here, so a warm start imports no
parser.
"""

import marshal
import zlib
from collections.abc import Sequence
from dataclasses import fields

from .files import sealed, unsealed
from .grammar import Action, Arc, Beat, Grammar, Motif, Tag

__all__ = ["BUNDLE_FORMAT", "dumps", "loads", "pack", "unpack"]

BUNDLE_FORMAT = 8
_MAGIC = b"DGG2"
_TAG, _ACTION = 0, 1


# -- packing: marshal holds only plain values, so Tag and Action become tagged tuples ---------

def _plain(rule):
    return all(item.__class__ is str for item in rule)


def _pack_rule(rule):
    if _plain(rule):
        return rule
    return tuple(item if item.__class__ is str else _pack_node(item) for item in rule)


def _pack_node(node):
    if isinstance(node, Tag):
        return (_TAG, node.symbol, node.modifiers,
                tuple(_pack_node(a) for a in node.preactions), node.raw)
    return (_ACTION, node.kind, node.target, tuple(_pack_rule(r) for r in node.rules), node.raw)


def _unpack_rule(rule):
    if _plain(rule):
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


class _Layers(Sequence):
    """The grammar's layers, unpacked from the bundle on first use: only the location of an
    error needs them, and they are most of its bytes."""

    def __init__(self, packed):
        self._packed, self._layers = packed, None

    def _unpacked(self):
        if self._layers is None:
            from .grammar.read import Layer  # here: a warm start reads no grammar file

            # Checked by no field list at load: a change to Layer's fields bumps BUNDLE_FORMAT,
            # as a change to how Tag and Action are packed does.
            self._layers = tuple(Layer(**lay)
                                 for lay in marshal.loads(zlib.decompress(self._packed)))
        return self._layers

    def __getitem__(self, index):
        return self._unpacked()[index]

    def __len__(self):
        return len(self._unpacked())

    def __eq__(self, other):
        return self._unpacked() == (other._unpacked() if isinstance(other, _Layers) else other)

    def __repr__(self):
        return repr(self._unpacked())


def pack(arc, grammar, facts, key):
    """The storable form of a checked arc and grammar, and ``facts``: sets of names made from
    them alone (``known``, every name a corpus tag may use, and what the loader adds), kept
    so a warm start need not make them again."""
    compiled, nodes = {}, {}
    for symbol, rules in grammar.compiled.items():
        compiled[symbol] = tuple(_pack_rule(r) for r in rules)
        # Most rules are plain text, as marshal gives them back; only these need unpacking.
        at = tuple(i for i, r in enumerate(rules) if not _plain(r))
        if at:
            nodes[symbol] = at
    return {
        "format": BUNDLE_FORMAT,
        "key": key,
        "arc": (arc.path, arc.cast, tuple(_fields(b) for b in arc.beats), arc.lengths,
                arc.title_template, tuple(_fields(m) for m in arc.motifs)),
        # Every field, so error locations and columns are as right as after a cold load;
        # marshalled apart, as they are unpacked apart, and compressed: a warm start reads
        # them without unpacking them, and they are most of the bundle.
        "layers": zlib.compress(marshal.dumps(tuple(_fields(lay) for lay in grammar.layers))),
        "rules": grammar.rules,
        "origin": grammar.origin,
        "compiled": compiled,
        "nodes": nodes,
        "sha256": grammar.sha256,
        "weights": grammar.weights,
        "facts": {name: tuple(sorted(names)) for name, names in facts.items()},
    }


def unpack(payload):
    """``(arc, grammar, facts)`` from :func:`pack`'s form."""
    path, cast, beats, lengths, title, motifs = payload["arc"]
    arc = Arc(beats=tuple(_build(Beat, b) for b in beats), cast=cast, path=path,
              lengths=lengths, title_template=title,
              motifs=tuple(_build(Motif, m) for m in motifs))
    compiled = payload["compiled"]
    for symbol, at in payload["nodes"].items():
        rules = list(compiled[symbol])
        for i in at:
            rules[i] = tuple(item if item.__class__ is str else _unpack_node(item)
                             for item in rules[i])
        compiled[symbol] = tuple(rules)
    grammar = Grammar(rules=payload["rules"], origin=payload["origin"], compiled=compiled,
                      sha256=payload["sha256"], layers=_Layers(payload["layers"]),
                      weights=payload["weights"])
    return arc, grammar, {name: frozenset(names) for name, names in payload["facts"].items()}


# -- the file: sealed (magic, CRC-32 of the body) marshal body ---------------------------------

def dumps(arc, grammar, facts, key):
    """The stored form of a checked arc and grammar and their ``facts`` (see :func:`pack`);
    ValueError for a value marshal refuses."""
    return sealed(_MAGIC, marshal.dumps(pack(arc, grammar, facts, key)))


def loads(data, key):
    """``(arc, grammar, facts)`` from :func:`dumps`'s form, or None when it is damaged, stale
    or for another key."""
    try:
        payload = marshal.loads(unsealed(_MAGIC, data, "grammar bundle")[0])
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT \
            or payload.get("key") != key:
        return None
    try:
        return unpack(payload)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # whole but not ours (a bug or a hand edit): the cold path rebuilds it
