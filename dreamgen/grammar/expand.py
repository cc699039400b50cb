"""Run a pre-parsed Tracery grammar with dreamgen's own random source and limits."""

import sys
from bisect import bisect_right
from typing import NamedTuple

from ..errors import DreamgenError, GrammarError, LimitError
from ..settings import (DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, DEPTH_CEILING,
                        Limits)
from .modifiers import MODIFIERS
from .rules import Tag

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_NODES",
    "DEPTH_CEILING",
    "Expander",
    "Limits",
    "Step",
    "TracingExpander",
]

_FRAMES_PER_LEVEL = 4
_FRAME_MARGIN = 400


def _ensure_stack(max_depth):
    need = _FRAMES_PER_LEVEL * max_depth + _FRAME_MARGIN
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)


class Step(NamedTuple):
    """One tag expanded while tracing: the symbol, the rule chosen, and the text it gave."""

    symbol: str
    rule: int
    depth: int
    text: str  # after the tag's modifiers
    variable: bool  # a pushed variable (such as the cast), not a grammar symbol


class Expander:
    """Expands symbols of one grammar for one dream; pushed variables live as long as it does.

    ``trace``, when a list, receives ``(symbol, rule_index, depth)`` for every tag expanded
    (see :class:`TracingExpander` for the text each gave). Errors carry the file, line and
    column of the rule being expanded when it is known.
    """

    __slots__ = ("compiled", "rng", "limits", "stacks", "nodes", "chars", "trace", "grammar",
                 "weights")

    def __init__(self, grammar, rng, limits=Limits(), trace=None):
        self.grammar = grammar
        self.compiled = grammar.compiled
        self.weights = grammar.weights
        self.rng = rng
        self.limits = limits
        self.stacks = {}
        self.nodes = 0
        self.chars = 0
        self.trace = trace
        _ensure_stack(limits.max_depth)

    def variables(self):
        """The pushed variables in force now, as ``{name: text}``."""
        return {k: v[-1][0][0] if v[-1] and v[-1][0] else "" for k, v in self.stacks.items() if v}

    def symbol(self, name, depth=0):
        """Expand one symbol and return its text."""
        try:
            return self._symbol(name, depth)
        except RecursionError:
            raise self._too_deep(name) from None

    def rule(self, rule, depth=0, symbol=None):
        """Expand one compiled rule."""
        try:
            return self._rule(rule, depth, symbol)
        except RecursionError:
            raise self._too_deep(symbol) from None

    def _too_deep(self, name):
        return LimitError(f"expansion too deep for Python's stack at {name!r}; lower "
                          "--max-depth or make the grammar shallower", symbol=name)

    def _symbol(self, name, depth):
        stack = self.stacks.get(name)
        if stack:
            rules = stack[-1]
        else:
            rules = self.compiled.get(name)
            if rules is None:
                if stack is not None:
                    raise GrammarError(
                        f"{name!r} has no value here: every push of it has been undone, by a "
                        "[POP] or by the end of the tag that pushed it (#[x:...]symbol# pushes "
                        "x only while that tag expands; write [x:...] before it to keep x)",
                        symbol=name)
                raise GrammarError(f"unknown symbol {name!r}: no grammar rule and no variable "
                                   "pushed at this point; define it or push it first",
                                   symbol=name)
        weights = self.weights.get(name) if self.weights and not stack else None
        if weights is None:
            index = self.rng.index(len(rules))
        else:
            # One draw either way, so the rest of the dream's draws stay where they were.
            index = bisect_right(weights, self.rng.index(weights[-1]))
        if self.trace is not None:
            self.trace.append((name, index, depth))
        try:
            return self._rule(rules[index], depth + 1, name)
        except DreamgenError as err:
            if err.path is None and not stack:
                self._locate(err, name, index)
            raise

    def _locate(self, err, name, index):
        try:
            err.path, err.line, err.column = self.grammar.locate(name, index)
        except Exception:  # a location is a courtesy; never let it hide the error
            pass

    def _rule(self, rule, depth, symbol):
        if depth > self.limits.max_depth:
            raise LimitError(
                f"expansion deeper than {self.limits.max_depth} levels at {symbol!r} "
                "(raise it with --max-depth)", symbol=symbol)
        out = []
        for item in rule:
            if item.__class__ is str:
                # Only plain text is counted, once, where it is made: a level's joined text
                # would count its children's text again at every level above them.
                self.chars += len(item)
                if self.chars > self.limits.max_chars:
                    raise LimitError(f"dream longer than {self.limits.max_chars:,} characters"
                                     f" at {symbol!r} (raise it with --max-chars)",
                                     symbol=symbol)
                out.append(item)
            elif item.__class__ is Tag:
                out.append(self._tag(item, depth, symbol))
            else:
                self._act(item, depth, symbol)
        return "".join(out)

    def _tag(self, tag, depth, parent):
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise LimitError(f"more than {self.limits.max_nodes:,} expansions in one dream at "
                             f"{tag.symbol!r} (raise it with --max-nodes)", symbol=tag.symbol)
        undo = []
        for action in tag.preactions:
            self._act(action, depth, parent)
            if action.kind == "push":
                undo.append(action.target)
        text = self._symbol(tag.symbol, depth)
        for name, params in tag.modifiers:
            try:
                result = MODIFIERS[name](text, *params)
            except Exception:
                result = None
            if not isinstance(result, str):
                raise GrammarError(
                    f"modifier '.{name}' failed on {text!r} in #{tag.raw}#"
                    + (f" (in {parent!r})" if parent else "")
                    + "; give it text it can take or remove the modifier", symbol=tag.symbol)
            text = result
        for target in undo:
            stack = self.stacks.get(target)
            if stack:  # the tag's own expansion may already have popped it
                stack.pop()
        return text

    def _act(self, action, depth, parent):
        if action.kind == "push":
            values = tuple((self._rule(r, depth + 1, parent),) for r in action.rules)
            self.stacks.setdefault(action.target, []).append(values)
        elif action.kind == "pop":
            stack = self.stacks.get(action.target)
            if not stack:
                raise GrammarError(
                    f"[{action.target}:POP] with nothing pushed"
                    + (f" (in {parent!r})" if parent else "")
                    + f"; push {action.target!r} before popping it", symbol=action.target)
            stack.pop()
        else:
            self._rule(action.rules[0], depth + 1, parent)


class TracingExpander(Expander):
    """An :class:`Expander` whose ``trace`` receives a :class:`Step` for every tag, in order.

    It draws from the random source exactly as an Expander does, so the text is the same;
    the plain Expander pays nothing for this.
    """

    __slots__ = ("_last",)

    def __init__(self, grammar, rng, limits=Limits(), trace=None):
        super().__init__(grammar, rng, limits, [] if trace is None else trace)
        self._last = None

    def _symbol(self, name, depth):
        variable = bool(self.stacks.get(name))
        at = len(self.trace)
        text = super()._symbol(name, depth)
        self.trace[at] = Step(name, self.trace[at][1], depth, text, variable)
        self._last = at
        return text

    def _tag(self, tag, depth, parent):
        text = super()._tag(tag, depth, parent)
        # Only modifiers ran since this tag's symbol returned, so _last is that symbol's step.
        self.trace[self._last] = self.trace[self._last]._replace(text=text)
        return text
