"""Layer grammar files into one grammar, once, with an index of where every rule came from."""

import json
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from .read import APPEND_PREFIX
from .rules import Tag, compile_rule, walk


__all__ = ["Grammar", "Layering", "layered", "reachable"]


@dataclass(frozen=True)
class Layering:
    """The layers merged once: final rules, where each symbol and each layered rule came from.

    ``sources[symbol][i]`` is ``(layer, key, index in that key)`` for layered rule ``i``;
    ``defining[symbol]`` is the layer and key that locate the symbol itself.
    """

    rules: dict  # symbol -> tuple of rule strings
    origin: dict  # symbol -> (path, line, col)
    sources: dict
    defining: dict

    @classmethod
    def of(cls, layers):
        rules, origin, sources, defining = {}, {}, {}, {}
        for layer in layers:
            for key, value in layer.rules.items():
                spans = tuple((layer, key, j) for j in range(len(value)))
                if key.startswith(APPEND_PREFIX):
                    name = key[len(APPEND_PREFIX):]
                    rules[name] = rules.get(name, ()) + value
                    sources[name] = sources.get(name, ()) + spans
                    origin.setdefault(name, (layer.path, *layer.locate(key)))
                    # The last plain definition locates a symbol; failing that, its first "+".
                    defining.setdefault(name, (layer, key))
                else:
                    rules[key] = value
                    sources[key] = spans
                    origin[key] = (layer.path, *layer.locate(key))
                    defining[key] = (layer, key)
        return cls(rules, origin, sources, defining)

    def locate(self, symbol, index=None, offset=None):
        """``(path, line, col)`` of rule ``index`` of ``symbol`` (at ``offset`` in it), or of
        the symbol."""
        spans = self.sources.get(symbol, ())
        if index is not None and index < len(spans):
            layer, key, j = spans[index]
            return (layer.path, *layer.locate(key, j, offset))
        layer, key = self.defining.get(symbol, (None, None))
        if layer is None:
            return ("<grammar>", 1, 1)
        return (layer.path, *layer.locate(key))


@dataclass(frozen=True)
class Grammar:
    """The layered grammar: final rules, where each symbol came from, pre-parsed rules."""

    rules: dict  # symbol -> tuple of rule strings
    origin: dict  # symbol -> (path, line, col)
    compiled: dict = field(repr=False)  # symbol -> tuple of compiled rules
    sha256: str = ""
    layers: tuple = field(default=(), repr=False)

    @cached_property
    def layering(self):
        """The :class:`Layering` of ``layers``, built on first use and kept."""
        return Layering.of(self.layers)

    def locate(self, symbol, index=None):
        """``(path, line, col)`` of a symbol, or of one of its rules."""
        if self.layers:
            return self.layering.locate(symbol, index)
        return self.origin.get(symbol, ("<grammar>", 1, 1))


def layered(layers):
    """The :class:`Grammar` of ``layers``, pre-parsed; every rule must compile (check first)."""
    layering = Layering.of(layers)
    rules = layering.rules
    compiled = {s: tuple(compile_rule(r) for r in rl) for s, rl in rules.items()}
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return Grammar(rules=rules, origin=layering.origin, compiled=compiled, sha256=digest,
                   layers=tuple(layers))


def reachable(compiled, roots):
    """The symbols of ``compiled`` (symbol -> compiled rules, None for one that does not
    parse) that expanding ``roots`` can reach."""
    seen, todo = set(), [r for r in roots if r in compiled]
    while todo:
        symbol = todo.pop()
        if symbol in seen:
            continue
        seen.add(symbol)
        for rule in compiled[symbol]:
            todo.extend(n.symbol for n in walk(rule or ())
                        if isinstance(n, Tag) and n.symbol in compiled)
    return seen
