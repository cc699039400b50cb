"""Check layered grammar files: :data:`CHECKS` is the list of checks, one small function each.

A check takes the :class:`Checked` grammar and yields :class:`~dreamgen.grammar.read.Problem`
values; a new check is one more function in the list.
"""

from dataclasses import dataclass, field, replace

from ..errors import did_you_mean
from .layers import DEFAULT_OVERLAY_WEIGHT, Layering, layered, reachable
from .modifiers import MODIFIERS
from .read import APPEND_PREFIX, Problem
from .rules import Action, RuleSyntaxError, Tag, compile_rule, markup_errors, walk

__all__ = ["CHECKS", "Checked", "build_grammar", "check_layers", "settle"]


@dataclass
class Checked:
    """What every check reads: the layering, each rule compiled (None where it does not
    parse), and the variables the rules push, pop and read, all worked out once."""

    layers: tuple
    roots: tuple
    persistent: tuple
    reach_from: str
    layering: Layering = None
    compiled: dict = field(default_factory=dict)  # symbol -> list of compiled rule or None
    syntax: list = field(default_factory=list)  # Problems found while compiling

    def __post_init__(self):
        self.layering = Layering.of(self.layers)
        for symbol, rule_list in self.layering.rules.items():
            self.compiled[symbol] = [self._compile(symbol, i, r) for i, r in enumerate(rule_list)]
        rules = self.rules
        self.pushed = {n.target for rl in self.compiled.values() for r in rl
                       for n in walk(r or ()) if isinstance(n, Action) and n.kind == "push"}
        self.known = set(rules) | self.pushed
        events = [e for rl in self.compiled.values() for r in rl for e in _events(r or ())]
        lasting = {name for delta, name in events if delta > 0}
        # Variables that only a tag's own push sets: they exist only while that tag expands.
        self.tag_only = self.pushed - lasting - set(rules)
        self.popped = {name for delta, name in events if delta < 0}
        self.read = {n.symbol for rl in self.compiled.values() for r in rl
                     for n in walk(r or ()) if isinstance(n, Tag)}

    @property
    def rules(self):
        return self.layering.rules

    def _compile(self, symbol, i, rule):
        bad = markup_errors(rule)
        for offset, message in bad:
            head, _, tail = message.partition(":")
            self.syntax.append(self.problem(
                symbol, i, f"{head} in {self.named(symbol, i)}" + (f":{tail}" if tail else ""),
                offset=offset))
        if bad:
            return None
        try:
            return compile_rule(rule)
        except RuleSyntaxError as exc:
            self.syntax.append(self.problem(symbol, i, f"{exc} in {self.named(symbol, i)}",
                                            offset=exc.offset))
            return None

    def problem(self, symbol, index, message, severity="error", offset=None):
        """A :class:`Problem` at rule ``index`` of ``symbol`` (None: the symbol itself)."""
        path, line, col = self.layering.locate(symbol, index, offset)
        return Problem(path, line, col, message, severity, symbol)

    def named(self, symbol, index):
        _, key, j = self.layering.sources[symbol][index]
        return f"rule {j} of {key!r}"

    def parsed(self):
        """Every rule that parsed, as ``(symbol, index, compiled rule)``."""
        for symbol, rule_list in self.compiled.items():
            for i, rule in enumerate(rule_list):
                if rule is not None:
                    yield symbol, i, rule


def _events(rule):
    """Pushes (+1) and pops (-1) of a rule that outlast it, in order, as ``(delta, name)``."""
    for item in rule:
        if isinstance(item, Action):
            if item.kind == "pop":
                yield -1, item.target
            else:
                if item.kind == "push":
                    yield 1, item.target
                for r in item.rules:
                    yield from _events(r)
        elif isinstance(item, Tag):
            # A tag's own pushes are undone after it; its pops are not.
            for a in item.preactions:
                if a.kind == "pop":
                    yield -1, a.target


def _offsets(rule_text, rule):
    """Offset in ``rule_text`` of every Tag and Action of the compiled ``rule``."""
    found, cursor = {}, 0
    for node in walk(rule):
        marked = f"#{node.raw}#" if isinstance(node, Tag) else f"[{node.raw}]"
        at = rule_text.find(marked, cursor)
        if at >= 0:
            found[id(node)] = at
            cursor = at + 1
    return found


def check_appends(g):
    """A ``+symbol`` key adds to a symbol that no earlier key defines."""
    defined = set()
    for layer in g.layers:
        for key in layer.rules:
            if key.startswith(APPEND_PREFIX) and key[1:] not in defined:
                line, col = layer.locate(key)
                yield Problem(layer.path, line, col, f"{key!r} adds to a symbol that is not "
                              f"defined before it"
                              f"{did_you_mean(key[1:], defined, prefix=APPEND_PREFIX)}",
                              symbol=key[1:])
            defined.add(key[1:] if key.startswith(APPEND_PREFIX) else key)


def check_syntax(g):
    """A rule whose markup does not parse (found while compiling it)."""
    yield from g.syntax


def check_names(g):
    """A tag names an unknown symbol or modifier, or a pop pops what nothing pushes."""
    for symbol, i, rule in g.parsed():
        at = _offsets(g.rules[symbol][i], rule)
        for node in walk(rule):
            start = at.get(id(node), 0)
            if isinstance(node, Tag):
                sym_at = start + 1 + node.raw.find(node.symbol, node.raw.rfind("]") + 1)
                if node.symbol not in g.known:
                    yield g.problem(symbol, i, f"unknown symbol {node.symbol!r} in "
                                    f"{g.named(symbol, i)}{did_you_mean(node.symbol, g.known)}",
                                    offset=sym_at)
                for name, _params in node.modifiers:
                    if name not in MODIFIERS:
                        yield g.problem(symbol, i, f"unknown modifier '.{name}' in "
                                        f"{g.named(symbol, i)}{did_you_mean(name, MODIFIERS, prefix='.')}",
                                        offset=start + 1 + node.raw.find("." + name))
            elif node.kind == "pop" and node.target not in g.pushed:
                yield g.problem(symbol, i, f"[{node.target}:POP] in {g.named(symbol, i)} pops "
                                f"{node.target!r}, which nothing ever pushes", offset=start)


def check_ended_pushes(g):
    """A tag reads a variable that only an earlier tag's own push set, which has ended."""
    for symbol, i, rule in g.parsed():
        at = _offsets(g.rules[symbol][i], rule)
        ended = set()
        for item in rule:
            if isinstance(item, Tag):
                if item.symbol in ended:
                    yield g.problem(
                        symbol, i, f"#{item.symbol}# in {g.named(symbol, i)} comes after the "
                        f"tag that pushed {item.symbol!r}, and a tag's own push ends with it; "
                        f"write [{item.symbol}:...] before the tags to keep it",
                        offset=at.get(id(item)))
                ended.update(a.target for a in item.preactions
                             if a.kind == "push" and a.target in g.tag_only)


def _scoped_tags(rule, scope, tag_only):
    """Every Tag of a compiled rule, with the tag-only variables in force where it expands."""
    for item in rule:
        if isinstance(item, Tag):
            inner = scope
            for action in item.preactions:
                yield from _scoped_tags((action,), inner, tag_only)
                if action.kind == "push" and action.target in tag_only:
                    inner = inner | {action.target}
            yield item, inner
        elif isinstance(item, Action):
            for r in item.rules:
                yield from _scoped_tags(r, scope, tag_only)


def check_tag_pushes_read_elsewhere(g):
    """A symbol reads a variable that only a tag's own push sets, where that may have ended.

    The variables each symbol can count on are those every path from the roots to it
    pushes in an enclosing tag; a read of any other tag-only variable fails at run time.
    """
    if not g.roots or not g.tag_only:
        return
    inside = {r: frozenset() for r in g.roots if r in g.compiled}
    todo = list(inside)
    while todo:
        symbol = todo.pop()
        for rule in g.compiled[symbol]:
            for tag, scope in _scoped_tags(rule or (), inside[symbol], g.tag_only):
                if tag.symbol not in g.compiled:
                    continue
                new = scope if tag.symbol not in inside else inside[tag.symbol] & scope
                if new != inside.get(tag.symbol):
                    inside[tag.symbol] = new
                    todo.append(tag.symbol)
    pusher = {a.target: (s, i) for s, i, rule in g.parsed() for a in walk(rule)
              if isinstance(a, Action) and a.kind == "push" and a.target in g.tag_only}
    for symbol, scope in inside.items():
        for i, rule in enumerate(g.compiled[symbol]):
            ended = set()  # the same rule's earlier tags: check_ended_pushes says those
            for item in rule or ():
                if isinstance(item, Tag):
                    ended.update(a.target for a in item.preactions if a.kind == "push")
            for tag, here in _scoped_tags(rule or (), scope, g.tag_only):
                var = tag.symbol
                if var in g.tag_only and var not in here and var not in ended:
                    where = g.named(*pusher[var])
                    yield g.problem(
                        symbol, i, f"#{var}# in {g.named(symbol, i)} reads {var!r}, which only "
                        f"a tag's own push sets (in {where}), but {symbol!r} can be expanded "
                        f"outside that tag, where the push has ended; write [{var}:...] "
                        "before the tags to keep it",
                        offset=_offsets(g.rules[symbol][i], rule).get(id(tag)))


def _pushed_elsewhere(g, var, symbol, index):
    return any(isinstance(n, Action) and n.kind == "push" and n.target == var
               for other, j, rule in g.parsed() if (other, j) != (symbol, index)
               for n in walk(rule))


def check_balance(g):
    """A rule pops a variable more often than anything pushes it, or pushes one for good
    that hides a symbol's rules or that nothing reads."""
    for symbol, i, rule in g.parsed():
        balance = {}
        for delta, var in _events(rule):
            balance[var] = balance.get(var, 0) + delta
            if balance[var] == -1 and var in g.pushed and not _pushed_elsewhere(g, var,
                                                                                 symbol, i):
                yield g.problem(symbol, i, f"{var!r} is popped more often than it is pushed in "
                                f"{g.named(symbol, i)}, and no other rule pushes it")
        for var, n in balance.items():
            if n <= 0 or symbol in g.persistent or var in g.popped:
                continue
            # A plain variable pushed and read later (the setPronouns idiom) is meant to last;
            # one that hides a symbol's own rules, or that nothing reads, is not.
            if var in g.rules:
                yield g.problem(symbol, i, f"variable {var!r} is pushed in "
                                f"{g.named(symbol, i)} and never popped; it hides the "
                                "symbol's own rules for the rest of the dream", "warning")
            elif var not in g.read:
                yield g.problem(symbol, i, f"variable {var!r} is pushed in "
                                f"{g.named(symbol, i)} and never read or popped", "warning")


def check_endless(g):
    """A symbol every rule of which recurses without end."""
    # A symbol is productive once some rule of it uses only productive symbols. A symbol with
    # a rule that does not parse counts as productive: that error is reported already.
    productive = set(g.pushed) | {s for s, rl in g.compiled.items() if None in rl}
    changed = True
    while changed:
        changed = False
        for symbol, rule_list in g.compiled.items():
            if symbol in productive:
                continue
            for rule in rule_list:
                if rule is not None and all(
                        n.symbol in productive or n.symbol not in g.known
                        for n in walk(rule) if isinstance(n, Tag)):
                    productive.add(symbol)
                    changed = True
                    break
    for symbol, rule_list in g.compiled.items():
        if symbol not in productive and None not in rule_list:
            yield g.problem(symbol, None, f"symbol {symbol!r} can never finish expanding: "
                            "every rule of it recurses without end")


def check_reached(g):
    """A symbol that expanding the roots never reaches (only when there are roots)."""
    if not g.roots:
        return
    seen = reachable(g.compiled, g.roots)
    for symbol in g.rules:
        if symbol not in seen:
            yield g.problem(symbol, None, f"symbol {symbol!r} is never reached from "
                            f"{g.reach_from}", "warning")


CHECKS = (check_appends, check_syntax, check_names, check_ended_pushes,
          check_tag_pushes_read_elsewhere, check_balance, check_endless, check_reached)


def check_layers(layers, *, roots=(), persistent=(), reach_from="the arc", checks=CHECKS):
    """Every problem of the layered grammar, as a list of :class:`Problem` (errors first).

    ``roots`` are the symbols a dream expands (for reachability; none skips that check);
    pushes made inside the ``persistent`` symbols (the cast) are meant to last the whole dream.

    >>> check_layers([read_layer("g.json", data=b'{"origin": "#nme#", "name": "x"}')])[0].message
    "unknown symbol 'nme' in rule 0 of 'origin'; did you mean 'name'?"
    """
    g = Checked(tuple(layers), tuple(roots), tuple(persistent), reach_from)
    problems = [p for check in checks for p in check(g)]
    order = {layer.path: n for n, layer in enumerate(layers)}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.path, len(order)),
                                 p.line, p.column))
    return problems


def _parsed_or_none(rule):
    try:
        return compile_rule(rule)
    except RuleSyntaxError:
        return None


def settle(layers, problems, roots):
    """Sort ``problems`` by reach: ``(errors, warnings, layers)``.

    An error in a symbol that ``roots`` never reach is only a warning, as the references
    would never run it, and that symbol's keys leave the layers its problems are in. Errors
    in reached symbols, and those of no symbol, stay errors. Without roots nothing is
    known to be unreached, so every error stays one.
    """
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if not roots or not errors:
        return errors, warnings, tuple(layers)
    rules = Layering.of(layers).rules
    reached = reachable({s: [_parsed_or_none(r) for r in rl] for s, rl in rules.items()},
                        roots)
    dead = [p for p in errors if p.symbol is not None and p.symbol not in reached]
    errors = [p for p in errors if p not in dead]
    gone = {(p.path, p.symbol) for p in dead}
    kept = tuple(replace(layer, rules={k: v for k, v in layer.rules.items()
                                       if (layer.path, k.lstrip(APPEND_PREFIX)) not in gone})
                 for layer in layers)
    return errors, [replace(p, severity="warning") for p in dead] + warnings, kept


def build_grammar(layers, *, roots=(), persistent=(), problems=None, hint="dreamgen check",
                  overlays=frozenset(), overlay_weight=DEFAULT_OVERLAY_WEIGHT):
    """Layer, check and pre-parse; raise the first error as :class:`GrammarError`.

    ``problems``, when given, is what :func:`check_layers` already found for these layers;
    ``hint`` is the command that lists them all. ``overlays`` and ``overlay_weight`` weight
    what overlays append (see :func:`~dreamgen.grammar.layers.layered`).
    """
    if problems is None:
        problems = check_layers(layers, roots=roots, persistent=persistent)
    problems = [p for p in problems if p.severity == "error"]
    if problems:
        err = problems[0].to_error()
        if len(problems) > 1:
            err.message += f" (and {len(problems) - 1} more; run '{hint}')"
        raise err
    return layered(layers, overlays=overlays, overlay_weight=overlay_weight)
