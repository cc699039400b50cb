"""Run any plain Tracery grammar from ``origin`` (or another symbol) with dreamgen's seeded
source, limits and errors: the engine behind ``dreamgen expand``.

>>> from dreamgen.grammar import tracery
>>> g = tracery.load("g.json", data=b'{"origin": "#hi.capitalize#, world", "hi": "hello"}')
>>> tracery.expand(g, seed=1)
'Hello, world'
"""

from dataclasses import dataclass, replace

from ..errors import GrammarError
from ..rng import dream_random
from ..settings import DEFAULT_MAX_GRAMMAR_BYTES, DEFAULT_SYMBOL, Limits
from .expand import Expander, Step, TracingExpander
from .lint import build_grammar, check_layers, settle
from .read import read_layer

__all__ = ["DEFAULT_SYMBOL", "Loaded", "expand", "load", "trace"]


@dataclass(frozen=True)
class Loaded:
    """A plain grammar ready to expand, and the problems found in parts it never reaches."""

    grammar: object  # a dreamgen.grammar.Grammar
    symbol: str
    warnings: tuple  # of dreamgen.grammar.Problem


def load(path, *, symbol=DEFAULT_SYMBOL, strict=False, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES,
         data=None):
    """Read and check one plain Tracery grammar file (JSON or YAML) to expand from ``symbol``.

    A problem in a symbol that ``symbol`` never reaches (a typo in an unused rule, a
    ``null``, a ``"comment.note"`` key) is only a warning, and that symbol is left out, as
    the references would never run it; with ``strict=True`` every warning is an error too.
    Problems in reached symbols raise :class:`~dreamgen.errors.GrammarError` with file, line
    and column.
    """
    problems = []
    layer = read_layer(path, max_bytes=max_bytes, data=data, problems=problems)
    if symbol not in layer.rules:
        raise GrammarError(f"the grammar has no symbol {symbol!r} to start from"
                           + ("" if symbol != DEFAULT_SYMBOL else
                              "; name another with --symbol"), path=layer.path, symbol=symbol)
    problems += [p for p in check_layers([layer], roots=(symbol,), persistent=(symbol,))
                 if "never reached" not in p.message]
    errors, warnings, layers = settle([layer], problems, (symbol,))
    if strict:
        errors, warnings = errors + [replace(p, severity="error") for p in warnings], []
    if errors:  # raises the first, with the count and where to see them all
        build_grammar(layers, problems=errors, hint=f"dreamgen check --standalone {layer.path}")
    return Loaded(build_grammar(layers, problems=[]), symbol, tuple(warnings))


def _expander(loaded, seed, limits, steps):
    cls = Expander if steps is None else TracingExpander
    return cls(loaded.grammar, dream_random(seed), limits, trace=steps)


def expand(loaded, *, seed=0, limits=Limits()):
    """The text of expansion number ``seed`` of ``loaded.symbol``; the same seed, the same text."""
    return _expander(loaded, seed, limits, None).symbol(loaded.symbol)


def trace(loaded, *, seed=0, limits=Limits()):
    """Expansion number ``seed`` as a tree, like Tracery's ``grammar.expand()``: each node is
    ``{"symbol", "rule", "text", "children"}``; the text is the same as :func:`expand` gives.
    """
    steps = []
    _expander(loaded, seed, limits, steps).symbol(loaded.symbol)
    return _tree(loaded.grammar, steps)


def _tree(grammar, steps):
    root, path = None, []  # path: (depth, node) of the open ancestors
    for step in steps:
        step = Step(*step)
        node = {"symbol": step.symbol, "rule": _rule_text(grammar, step), "text": step.text,
                "children": []}
        if step.variable:
            node["variable"] = True
        while path and path[-1][0] >= step.depth:
            path.pop()
        if path:
            path[-1][1]["children"].append(node)
        else:
            root = node
        path.append((step.depth, node))
    return root


def _rule_text(grammar, step):
    if step.variable:
        return None
    return grammar.rules[step.symbol][step.rule]
