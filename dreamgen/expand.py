"""Run a pre-parsed Tracery grammar with dreamgen's own random source and limits."""

from dataclasses import dataclass
from typing import NamedTuple

from .errors import GrammarError, LimitError
from .grammar import MODIFIERS, Action, Tag

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_NODES",
    "Expander",
    "Limits",
    "Step",
    "TracingExpander",
]

# Python's own stack gives out near 1,000 frames; stay well inside it.
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_NODES = 20_000
DEFAULT_MAX_CHARS = 100_000


@dataclass(frozen=True)
class Limits:
    """Per-dream limits on expansion depth, tags expanded and characters produced."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES
    max_chars: int = DEFAULT_MAX_CHARS


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
    (see :class:`TracingExpander` for the text each gave).
    """

    __slots__ = ("compiled", "rng", "limits", "stacks", "nodes", "chars", "trace", "grammar")

    def __init__(self, grammar, rng, limits=Limits(), trace=None):
        self.grammar = grammar
        self.compiled = grammar.compiled
        self.rng = rng
        self.limits = limits
        self.stacks = {}
        self.nodes = 0
        self.chars = 0
        self.trace = trace

    def variables(self):
        """The pushed variables in force now, as ``{name: text}``."""
        return {k: v[-1][0][0] if v[-1] and v[-1][0] else "" for k, v in self.stacks.items() if v}

    def symbol(self, name, depth=0):
        """Expand one symbol and return its text."""
        stack = self.stacks.get(name)
        if stack:
            rules = stack[-1]
        else:
            rules = self.compiled.get(name)
            if rules is None:
                if stack is not None:
                    raise GrammarError(f"{name!r} was popped more often than it was pushed",
                                       symbol=name)
                raise GrammarError(f"unknown symbol {name!r}", symbol=name)
        index = self.rng.index(len(rules))
        if self.trace is not None:
            self.trace.append((name, index, depth))
        return self.rule(rules[index], depth + 1, name)

    def rule(self, rule, depth=0, symbol=None):
        """Expand one compiled rule."""
        if depth > self.limits.max_depth:
            raise LimitError(
                f"expansion deeper than {self.limits.max_depth} levels at {symbol!r} "
                "(raise it with --max-depth)", symbol=symbol)
        out = []
        for item in rule:
            if item.__class__ is str:
                out.append(item)
            elif item.__class__ is Tag:
                out.append(self._tag(item, depth, symbol))
            else:
                self._act(item, depth, symbol)
        text = "".join(out)
        self.chars += len(text)
        if self.chars > self.limits.max_chars:
            raise LimitError(f"dream longer than {self.limits.max_chars:,} characters at "
                             f"{symbol!r} (raise it with --max-chars)", symbol=symbol)
        return text

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
        text = self.symbol(tag.symbol, depth)
        for name, params in tag.modifiers:
            try:
                result = MODIFIERS[name](text, *params)
            except Exception:
                result = None
            if not isinstance(result, str):
                raise GrammarError(
                    f"modifier '.{name}' failed on {text!r} in #{tag.raw}#"
                    + (f" (in {parent!r})" if parent else ""), symbol=tag.symbol)
            text = result
        for target in undo:
            self.stacks[target].pop()
        return text

    def _act(self, action, depth, parent):
        if action.kind == "push":
            values = tuple((self.rule(r, depth + 1, parent),) for r in action.rules)
            self.stacks.setdefault(action.target, []).append(values)
        elif action.kind == "pop":
            stack = self.stacks.get(action.target)
            if not stack:
                raise GrammarError(
                    f"[{action.target}:POP] with nothing pushed"
                    + (f" (in {parent!r})" if parent else ""), symbol=action.target)
            stack.pop()
        else:
            self.rule(action.rules[0], depth + 1, parent)


class TracingExpander(Expander):
    """An :class:`Expander` whose ``trace`` receives a :class:`Step` for every tag, in order.

    It draws from the random source exactly as an Expander does, so the text is the same;
    the plain Expander pays nothing for this.
    """

    __slots__ = ("_last",)

    def __init__(self, grammar, rng, limits=Limits(), trace=None):
        super().__init__(grammar, rng, limits, [] if trace is None else trace)
        self._last = None

    def symbol(self, name, depth=0):
        variable = bool(self.stacks.get(name))
        at = len(self.trace)
        text = super().symbol(name, depth)
        self.trace[at] = Step(name, self.trace[at][1], depth, text, variable)
        self._last = at
        return text

    def _tag(self, tag, depth, parent):
        text = super()._tag(tag, depth, parent)
        # Only modifiers ran since this tag's symbol returned, so _last is that symbol's step.
        self.trace[self._last] = self.trace[self._last]._replace(text=text)
        return text
