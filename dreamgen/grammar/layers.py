"""Layer grammar files into one grammar, once, with an index of where every rule came from."""

import json
import hashlib
import math
from dataclasses import dataclass, field
from functools import cached_property

from ..settings import DEFAULT_OVERLAY_WEIGHT
from .rules import Tag, parsed_rule, walk


__all__ = ["DEFAULT_OVERLAY_WEIGHT", "Grammar", "Layering", "appended_weights", "layered",
           "reachable"]

# A weight is used as a fraction with at most this denominator (0.3 is 3/10, not the float's
# 5404319552844595/18014398509481984), so the integer weights stay small.
_WEIGHT_DENOMINATOR = 1000


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
        from .read import APPEND_PREFIX  # here: a warm start layers nothing, nor reads a file

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
    # symbol -> running totals of its rules' integer weights, only for symbols an overlay
    # appended to (see appended_weights); every other symbol draws its rules alike.
    weights: dict = field(default_factory=dict, repr=False)

    @cached_property
    def layering(self):
        """The :class:`Layering` of ``layers``, built on first use and kept."""
        return Layering.of(self.layers)

    def locate(self, symbol, index=None):
        """``(path, line, col)`` of a symbol, or of one of its rules."""
        if self.layers:
            return self.layering.locate(symbol, index)
        return self.origin.get(symbol, ("<grammar>", 1, 1))


def appended_weights(layers, overlays, overlay_weight=DEFAULT_OVERLAY_WEIGHT):
    """``symbol -> running totals of its rules' weights`` for each symbol that a layer whose
    path is in ``overlays`` appended to ("+key") after it had rules of its own.

    The appended rules as a group are drawn ``overlay_weight`` times as often as the rules
    the symbol had before, and within each group every rule alike: with 2 rules appended to
    3, at weight 1 each old rule weighs 2 and each new one 3. A weight of 0 gives ``{}``,
    plain appending. The weights are integers, so a draw is one ``rng.index(total)``.

    >>> from dreamgen.grammar.read import Layer
    >>> base = Layer("base.json", {"x": ("a", "b", "c")}, {}, {})
    >>> mine = Layer("mine.json", {"+x": ("d", "e")}, {}, {})
    >>> appended_weights([base, mine], {"mine.json"})
    {'x': (2, 4, 6, 9, 12)}
    """
    if not math.isfinite(overlay_weight) or overlay_weight < 0:
        raise ValueError(f"an overlay weight is a finite number 0 or more, not {overlay_weight!r}")
    if overlay_weight == 0:
        return {}
    from fractions import Fraction  # only for overlays: it costs a warm start 1.5 ms

    from .read import APPEND_PREFIX

    # Exact below 1/1000, where the rounded fraction would be 0.
    ratio = (Fraction(overlay_weight).limit_denominator(_WEIGHT_DENOMINATOR)
             or Fraction(overlay_weight))
    appended = {}  # symbol -> one flag a rule: appended by an overlay?
    for layer in layers:
        for key, value in layer.rules.items():
            if key.startswith(APPEND_PREFIX):
                name = key[len(APPEND_PREFIX):]
                appended[name] = appended.get(name, ()) + (layer.path in overlays,) * len(value)
            else:
                appended[key] = (False,) * len(value)
    weights = {}
    for symbol, flags in appended.items():
        new = sum(flags)
        old = len(flags) - new
        if not new or not old:
            continue
        # new * w_new / (old * w_old) == ratio, in the smallest whole numbers.
        w_old, w_new = new * ratio.denominator, old * ratio.numerator
        g = math.gcd(w_old, w_new)
        total, running = 0, []
        for flag in flags:
            total += (w_new if flag else w_old) // g
            running.append(total)
        weights[symbol] = tuple(running)
    return weights


def layered(layers, *, overlays=frozenset(), overlay_weight=DEFAULT_OVERLAY_WEIGHT):
    """The :class:`Grammar` of ``layers``, pre-parsed; every rule must compile (check first).

    ``overlays`` names the layers (by path) whose appended rules are weighted by
    ``overlay_weight`` (see :func:`appended_weights`); by default none are.
    """
    layering = Layering.of(layers)
    rules = layering.rules
    compiled = {s: tuple(parsed_rule(r) for r in rl) for s, rl in rules.items()}
    weights = appended_weights(layers, overlays, overlay_weight) if overlays else {}
    # The weights change what dreams say, so they are part of the digest; without any, the
    # digest is the rules' alone, as it always was.
    hashed = {"rules": rules, "weights": weights} if weights else rules
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return Grammar(rules=rules, origin=layering.origin, compiled=compiled, sha256=digest,
                   layers=tuple(layers), weights=weights)


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
