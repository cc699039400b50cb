"""Warm starts: the layered, pre-parsed grammar and arc cached on disk by content hash.

A cold :meth:`Dreamer.load` reads, checks and parses every grammar file and counts the corpus.
A warm one reads the input files' bytes, hashes them, and takes the parsed grammar from a
bundle file and the compiled chains from the model cache: nothing is parsed or checked again,
because the same bytes were parsed and checked when the bundle was written. Anything unusual
(a missing file, a size over a limit, a damaged or stale bundle) falls back to the cold path,
which raises the proper error or rebuilds.

Only ``os``, ``marshal`` and ``hashlib`` are needed here, so a warm start imports no parser.
"""

import marshal
import os
import sys
from dataclasses import fields

from .version import __version__
from .arc import Arc, Beat, Motif
from .grammar import Action, Grammar, Layer, Tag
from .resources import builtin_path, cache_path, user_grammar_paths

__all__ = ["BUNDLE_FORMAT", "Inputs", "bundle_path", "grammar_key", "load", "save"]

BUNDLE_FORMAT = 3
_MAGIC = b"DGG1"
_TAG, _ACTION = 0, 1


def _sha256(data):
    from hashlib import sha256

    return sha256(data).hexdigest()


class Inputs:
    """Every file a load reads, as paths and content hashes: the keys of both caches."""

    __slots__ = ("arc_path", "arc_sha256", "layer_paths", "layer_sha256", "corpus_sha256",
                 "usable")

    def __init__(self, grammars=(), corpora=(), *, builtin_corpus=True, user_overlays=True,
                 max_grammar_bytes, max_corpus_bytes):
        self.usable = False
        gdir = builtin_path("grammars")
        self.arc_path = os.path.join(gdir, "arc.json")
        builtin = sorted(os.path.join(gdir, n) for n in os.listdir(gdir)
                         if n.endswith(".json") and n != "arc.json")
        self.layer_paths = [*builtin, *(user_grammar_paths() if user_overlays else ()),
                            *(os.fspath(g) for g in grammars)]
        try:
            self.arc_sha256 = _sha256(_read(self.arc_path, max_grammar_bytes * 100))
            self.layer_sha256 = [_sha256(_read(p, max_grammar_bytes)) for p in self.layer_paths]
            sources = ([builtin_path("corpus")] if builtin_corpus else []) + list(corpora)
            if not sources:
                return
            digests, total = [], 0
            for source in sources:
                for path in _corpus_files(os.fspath(source)):
                    data = _read(path, max_corpus_bytes - total)
                    total += len(data)
                    digests.append(_sha256(data))
        except (OSError, _Unusual):
            return  # the cold path says what is wrong
        # The same digest read_corpus gives: the hash of the files' hashes, in order.
        self.corpus_sha256 = _sha256("".join(digests).encode())
        self.usable = True


class _Unusual(Exception):
    """Something only the cold path handles (and reports)."""


def _read(path, max_bytes):
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _Unusual(path)
    return data


def _corpus_files(path):
    # As corpus.corpus_files: a folder's *.txt sorted by name, or the file itself.
    if not os.path.isdir(path):
        return [path]
    names = sorted(e.name for e in os.scandir(path) if e.name.endswith(".txt"))
    files = [os.path.join(path, n) for n in names]
    if not files or not all(os.path.isfile(f) for f in files):
        raise _Unusual(path)
    return files


def grammar_key(arc_path, arc_sha256, layers):
    """The bundle key: format, version, and the path and content hash of every grammar file."""
    from hashlib import sha256

    parts = [f"bundle={BUNDLE_FORMAT}", f"dreamgen={__version__}",
             f"python={sys.version_info[0]}.{sys.version_info[1]}",
             f"arc={arc_path}={arc_sha256}", *(f"layer={p}={h}" for p, h in layers)]
    return sha256("\n".join(parts).encode()).hexdigest()


def bundle_path(key):
    return os.path.join(cache_path(), f"grammar-{key[:32]}.bin")


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
                      sha256=payload["sha256"], layers=layers)
    return arc, grammar, frozenset(payload["known"])


# -- the file: magic, sha256 of the body, marshal body --------------------------------------

def read(path, key):
    """The payload stored at ``path`` for ``key``, or None when it is missing, damaged or stale."""
    from hashlib import sha256

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
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
    return payload


def write(path, payload):
    """Store ``payload`` at ``path`` whole or not at all; False when it cannot."""
    from hashlib import sha256

    from .cache import write as write_file

    body = marshal.dumps(payload)
    return write_file(path, _MAGIC + sha256(body).digest() + body)


def load(inputs, settings):
    """``(arc, grammar, models)`` from the caches, or None for the cold path to take over."""
    from .markov import cached_models

    if not inputs.usable:
        return None
    key = grammar_key(inputs.arc_path, inputs.arc_sha256,
                      zip(inputs.layer_paths, inputs.layer_sha256))
    payload = read(bundle_path(key), key)
    if payload is None:
        return None
    try:
        arc, grammar, known = unpack(payload)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # whole but not ours (a bug or a hand edit): the cold path rebuilds it
    models = cached_models(inputs.corpus_sha256, arc.names, settings.model, version=__version__)
    if models is None:
        return None
    # The corpus was checked against another grammar or arc when its model was built.
    if not known.issuperset(models.tags) or not set(arc.names).issuperset(models.beats_used):
        return None
    from .cache import used

    used(inputs.corpus_sha256, arc.names, settings.model, bundle_path(key))  # for LRU eviction
    return arc, grammar, models


def save(inputs, arc, grammar, known):
    """Write the bundle of a grammar the cold path has just checked; True when written."""
    # Keyed by the paths as listed (what a warm load computes) and the hashes of the bytes
    # that were actually parsed.
    key = grammar_key(inputs.arc_path, inputs.arc_sha256,
                      [(p, layer.sha256) for p, layer in zip(inputs.layer_paths, grammar.layers)])
    try:
        return write(bundle_path(key), pack(arc, grammar, known, key))
    except ValueError:  # marshal meets a value it cannot store
        return False
