"""Load, layer, check and pre-parse Tracery grammar files (JSON or YAML)."""

import hashlib
import re
from dataclasses import dataclass, field

import tracery
from tracery.modifiers import base_english

from ._lazy import lazy
from .errors import GrammarError

# Only reading and checking grammar files needs these; a warm start never does.
difflib = lazy("difflib")
json = lazy("json")
Path = lazy("pathlib", "Path")

__all__ = [
    "DEFAULT_MAX_GRAMMAR_BYTES",
    "MODIFIERS",
    "Action",
    "Grammar",
    "Layer",
    "Problem",
    "RuleSyntaxError",
    "Tag",
    "build_grammar",
    "check_layers",
    "compile_rule",
    "read_layer",
]

DEFAULT_MAX_GRAMMAR_BYTES = 2_000_000
MODIFIERS = dict(base_english)
APPEND_PREFIX = "+"
ARC_KEY = "$arc"
_BAD_NAME = re.compile(r"[.#\[\]:]")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Tag:
    """``#[pre]symbol.mod.mod#``: expand ``symbol``, then apply modifiers."""

    symbol: str
    modifiers: tuple  # of (name, params)
    preactions: tuple  # of Action, undone after the tag
    raw: str


@dataclass(frozen=True)
class Action:
    """``[x:rule,rule]`` push, ``[x:POP]`` pop, or ``[#rule#]`` run for its side effects."""

    kind: str  # "push" | "pop" | "run"
    target: str
    rules: tuple  # compiled rules (push: one per comma section; run: one)
    raw: str


@dataclass(frozen=True)
class Problem:
    """One finding of the checker, printed as ``path:line:col: message``."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"
    symbol: str = None

    def __str__(self):
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.column}: {tag}{self.message}"

    def to_dict(self):
        return {
            "path": self.path, "line": self.line, "column": self.column,
            "severity": self.severity, "symbol": self.symbol, "message": self.message,
        }

    def to_error(self):
        return GrammarError(self.message, path=self.path, line=self.line,
                            column=self.column, symbol=self.symbol)


@dataclass(frozen=True)
class Layer:
    """One grammar file as read: its symbols, their rules and where each was written."""

    path: str
    rules: dict  # key (maybe "+sym") -> tuple of rule strings
    where: dict  # key -> (line, col) of the key
    rule_where: dict  # (key, index) -> (line, col) of that rule
    arc: dict = None  # an optional "$arc" section (see arc.py)
    sha256: str = ""

    def locate(self, key, index=None):
        if index is not None and (key, index) in self.rule_where:
            return self.rule_where[(key, index)]
        return self.where.get(key, (1, 1))


@dataclass(frozen=True)
class Grammar:
    """The layered grammar: final rules, where each symbol came from, pre-parsed rules."""

    rules: dict  # symbol -> tuple of rule strings
    origin: dict  # symbol -> (path, line, col)
    compiled: dict = field(repr=False)  # symbol -> tuple of compiled rules
    sha256: str = ""
    layers: tuple = field(default=(), repr=False)

    def locate(self, symbol, index=None):
        """``(path, line, col)`` of a symbol, or of one of its rules."""
        for layer in reversed(self.layers):
            for key in (symbol, APPEND_PREFIX + symbol):
                if key in layer.rules:
                    return (layer.path, *layer.locate(key, index))
        return self.origin.get(symbol, ("<grammar>", 1, 1))


# -- reading -------------------------------------------------------------------------

def _decode(path, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GrammarError(
            f"not UTF-8 text (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            path=path) from None


def _read_bytes(path, max_bytes):
    p = Path(path)
    if p.is_dir():
        raise GrammarError("is a directory, expected a grammar file", path=path)
    try:
        size = p.stat().st_size
    except OSError:
        raise GrammarError("no such file", path=path) from None
    if size > max_bytes:
        raise GrammarError(
            f"grammar file is {size:,} bytes, over the limit of {max_bytes:,} "
            "(raise it with --max-grammar-bytes)", path=path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise GrammarError(f"cannot read: {exc.strerror}", path=path) from None


def _line_col(text, offset):
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse_json(path, text):
    dupes = []

    def pairs(items):
        seen = {}
        for k, v in items:
            if k in seen:
                dupes.append(k)
            seen[k] = v
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise GrammarError(f"invalid JSON: {exc.msg}", path=path,
                           line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict):
        raise GrammarError(
            f"top level is a JSON {type(data).__name__}, expected an object of symbols",
            path=path, line=1, column=1)
    where, rule_where = _json_positions(text, data)
    if dupes:
        key = dupes[0]
        line, col = _second_key_position(text, key) or where.get(key, (1, 1))
        raise GrammarError(f"duplicate key {key!r} in one file", path=path,
                           line=line, column=col, symbol=key)
    return data, where, rule_where


def _key_pattern(key):
    variants = {json.dumps(key), json.dumps(key, ensure_ascii=False)}
    return re.compile("|".join(re.escape(v) for v in variants) + r"\s*:")


def _second_key_position(text, key):
    hits = list(_key_pattern(key).finditer(text))
    return _line_col(text, hits[1].start()) if len(hits) > 1 else None


def _json_positions(text, data):
    # The json module keeps no positions, so find each key and rule string in the text.
    where, rule_where, spans = {}, {}, []
    for key in data:
        m = _key_pattern(key).search(text)
        start = m.start() if m else 0
        where[key] = _line_col(text, start)
        spans.append((key, m.end() if m else 0))
    for i, (key, start) in enumerate(spans):
        end = spans[i + 1][1] if i + 1 < len(spans) else len(text)
        value = data[key]
        items = value if isinstance(value, list) else [value]
        pos = start
        for j, item in enumerate(items):
            if not isinstance(item, str):
                continue
            for needle in (json.dumps(item, ensure_ascii=False), json.dumps(item)):
                k = text.find(needle, pos, max(end, pos))
                if k >= 0:
                    rule_where[(key, j)] = _line_col(text, k)
                    pos = k + len(needle)
                    break
    return where, rule_where


def _parse_yaml(path, text):
    import yaml  # only YAML overlays pay for this import

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GrammarError(f"invalid YAML: {problem}", path=path,
                           line=mark.line + 1 if mark else None,
                           column=mark.column + 1 if mark else None) from None
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise GrammarError("top level is not a mapping of symbols", path=path, line=1, column=1)

    def pos(node):
        return node.start_mark.line + 1, node.start_mark.column + 1

    def scalar(node, what):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG:
            kind = node.tag.rsplit(":", 1)[-1] if isinstance(node, yaml.ScalarNode) else (
                "list" if isinstance(node, yaml.SequenceNode) else "mapping")
            line, col = pos(node)
            raise GrammarError(
                f"{what} is a YAML {kind}, not a string (quote it)", path=path,
                line=line, column=col)
        return node.value

    data, where, rule_where = {}, {}, {}
    for knode, vnode in root.value:
        key = scalar(knode, "a symbol name")
        if key in data:
            line, col = pos(knode)
            raise GrammarError(f"duplicate key {key!r} in one file", path=path,
                               line=line, column=col, symbol=key)
        where[key] = pos(knode)
        if key == ARC_KEY:
            data[key] = yaml.load(yaml.serialize(vnode), Loader=yaml.SafeLoader)
            continue
        if isinstance(vnode, yaml.SequenceNode):
            data[key] = []
            for j, item in enumerate(vnode.value):
                rule_where[(key, j)] = pos(item)
                data[key].append(scalar(item, f"rule {j} of {key!r}"))
        else:
            rule_where[(key, 0)] = pos(vnode)
            data[key] = scalar(vnode, f"the rule of {key!r}")
    return data, where, rule_where


def read_layer(path, *, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES, data=None):
    """Read one grammar file (``.json``, ``.yaml`` or ``.yml``) into a :class:`Layer`.

    Raises :class:`GrammarError` naming the file, line and column for anything it cannot use.
    """
    path = str(path)
    raw = _read_bytes(path, max_bytes) if data is None else data
    text = _decode(path, raw)
    if path.endswith((".yaml", ".yml")):
        obj, where, rule_where = _parse_yaml(path, text)
    else:
        obj, where, rule_where = _parse_json(path, text)
    rules = {}
    arc = None
    for key, value in obj.items():
        line, col = where.get(key, (1, 1))
        if key == ARC_KEY:
            if not isinstance(value, dict):
                raise GrammarError(f"{ARC_KEY!r} must be an object", path=path,
                                   line=line, column=col)
            arc = value
            continue
        name = key[len(APPEND_PREFIX):] if key.startswith(APPEND_PREFIX) else key
        if not name or name != name.strip() or _BAD_NAME.search(name):
            raise GrammarError(
                f"bad symbol name {key!r}: names cannot contain '.', '#', '[', ']' or ':' "
                "or start or end with spaces", path=path, line=line, column=col, symbol=key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            kind = "null" if value is None else type(value).__name__
            kind = {"dict": "an object", "int": "a number", "float": "a number",
                    "bool": "a boolean"}.get(kind, kind)
            raise GrammarError(
                f"symbol {name!r} is {kind}; a rule must be a string or a list of strings",
                path=path, line=line, column=col, symbol=name)
        if not value:
            raise GrammarError(f"symbol {name!r} has an empty list of rules", path=path,
                               line=line, column=col, symbol=name)
        for j, item in enumerate(value):
            if not isinstance(item, str):
                kind = "null" if item is None else {"list": "a nested list", "dict": "an object",
                                                     "int": "a number", "float": "a number",
                                                     "bool": "a boolean"}.get(type(item).__name__)
                rl, rc = rule_where.get((key, j), (line, col))
                raise GrammarError(
                    f"rule {j} of symbol {name!r} is {kind}; rules must be strings",
                    path=path, line=rl, column=rc, symbol=name)
        rules[key] = tuple(value)
    return Layer(path=path, rules=rules, where=where, rule_where=rule_where, arc=arc,
                 sha256=hashlib.sha256(raw).hexdigest())


# -- pre-parsing -----------------------------------------------------------------------

class RuleSyntaxError(ValueError):
    """A rule string whose Tracery markup cannot be parsed."""


def _split_modifier(text):
    m = re.fullmatch(r"([^()]*)(?:\((.*)\))?", text)
    if not m:
        raise RuleSyntaxError(f"malformed modifier {text!r}")
    name, params = m.group(1), m.group(2)
    return name, tuple(params.split(",")) if params is not None else ()


def _unescape(text):
    return text.replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\")


def _compile_action(raw):
    target, sep, rest = raw.partition(":")
    if not sep:
        return Action("run", raw, (compile_rule(raw),), raw)
    if rest == "POP":
        return Action("pop", target, (), raw)
    return Action("push", target, tuple(compile_rule(r) for r in rest.split(",")), raw)


def compile_rule(rule):
    """Pre-parse one Tracery rule string into a tuple of text, :class:`Tag` and :class:`Action`.

    Raises :class:`RuleSyntaxError` for malformed markup.
    """
    sections, errors = tracery.parse(rule)
    if errors:
        raise RuleSyntaxError("; ".join(_describe_parse_error(e) for e in errors))
    out = []
    for section in sections:
        kind, raw = section["type"], section["raw"]
        if kind == 0:
            out.append(_unescape(raw))
        elif kind == 2:
            out.append(_compile_action(raw))
        else:
            try:
                parsed = tracery.parse_tag(raw)
            except Exception:  # pytracery raises a bare Exception for this case
                raise RuleSyntaxError(f"several main sections in one tag #{raw}#") from None
            if parsed["symbol"] is None:
                raise RuleSyntaxError(f"tag #{raw}# names no symbol")
            mods = tuple(_split_modifier(m) for m in parsed["modifiers"])
            pre = tuple(_compile_action(a["raw"]) for a in parsed["preactions"])
            out.append(Tag(parsed["symbol"], mods, pre, raw))
    return tuple(out)


def _describe_parse_error(err):
    return {"unclosed tag": "unclosed '#' (a tag is opened but never closed)",
            "too many [": "unbalanced '[' (an action is opened but never closed)",
            "too many ]": "unbalanced ']' (a ']' closes no action)"}.get(err, err)


def _walk(rule):
    """Every Tag and Action in a compiled rule, depth first."""
    for item in rule:
        if isinstance(item, Tag):
            yield item
            for a in item.preactions:
                yield from _walk((a,))
        elif isinstance(item, Action):
            yield item
            for r in item.rules:
                yield from _walk(r)


# -- layering and checking -------------------------------------------------------------

def _layer_rules(layers):
    rules, origin = {}, {}
    for layer in layers:
        for key, value in layer.rules.items():
            if key.startswith(APPEND_PREFIX):
                name = key[len(APPEND_PREFIX):]
                rules[name] = rules.get(name, ()) + value
                origin.setdefault(name, (layer.path, *layer.locate(key)))
            else:
                rules[key] = value
                origin[key] = (layer.path, *layer.locate(key))
    return rules, origin


def _where(layers, symbol, index=None):
    """Where rule ``index`` of the layered ``symbol`` was written."""
    # Walk the layers as _layer_rules does, so the index maps back to its file.
    spans = []
    for layer in layers:
        for key in (symbol, APPEND_PREFIX + symbol):
            if key in layer.rules:
                n = len(layer.rules[key])
                if key == symbol:
                    spans = [(layer, key, 0, n)]
                else:
                    base = sum(s[3] for s in spans)
                    spans.append((layer, key, base, n))
    if index is not None:
        for layer, key, base, n in spans:
            if base <= index < base + n:
                return (layer.path, *layer.locate(key, index - base))
    if spans:
        layer, key, _, _ = spans[-1]
        return (layer.path, *layer.locate(key))
    return ("<grammar>", 1, 1)


def check_layers(layers, *, roots=(), persistent=()):
    """Every problem of the layered grammar, as a list of :class:`Problem` (errors first).

    ``roots`` are the symbols the arc expands (for reachability); pushes made inside the
    ``persistent`` symbols (the cast) are meant to last the whole dream.
    """
    rules, _ = _layer_rules(layers)
    problems = []
    compiled = {}

    def add(symbol, index, message, severity="error"):
        path, line, col = _where(layers, symbol, index)
        problems.append(Problem(path, line, col, message, severity, symbol))

    for layer in layers:
        for key in layer.rules:
            if key.startswith(APPEND_PREFIX) and key[1:] not in rules:
                add(key[1:], None, f"'+{key[1:]}' adds to a symbol that does not exist")

    for symbol, rule_list in rules.items():
        out = []
        for i, rule in enumerate(rule_list):
            try:
                out.append(compile_rule(rule))
            except RuleSyntaxError as exc:
                add(symbol, i, f"in rule {i} of {symbol!r}: {exc}")
                out.append(None)
        compiled[symbol] = out

    pushed = {}
    for symbol, rule_list in compiled.items():
        for rule in rule_list:
            for node in _walk(rule or ()):
                if isinstance(node, Action) and node.kind == "push":
                    pushed.setdefault(node.target, symbol)
    known = set(rules) | set(pushed)

    for symbol, rule_list in compiled.items():
        for i, rule in enumerate(rule_list):
            if rule is None:
                continue
            balance = {}
            for node in _walk(rule):
                if isinstance(node, Tag):
                    if node.symbol not in known:
                        close = difflib.get_close_matches(node.symbol, sorted(known), n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        add(symbol, i, f"unknown symbol {node.symbol!r} in rule {i} of "
                            f"{symbol!r}{hint}")
                    for name, _params in node.modifiers:
                        if name not in MODIFIERS:
                            close = difflib.get_close_matches(name, sorted(MODIFIERS), n=1)
                            hint = f"; did you mean {close[0]!r}?" if close else ""
                            add(symbol, i, f"unknown modifier '.{name}' on #{node.raw}# in "
                                f"{symbol!r}{hint}")
                elif node.kind == "push":
                    balance[node.target] = balance.get(node.target, 0) + 1
                elif node.kind == "pop":
                    if node.target not in pushed:
                        add(symbol, i, f"[{node.target}:POP] pops {node.target!r}, "
                            "which nothing ever pushes")
                    else:
                        balance[node.target] = balance.get(node.target, 0) - 1
            for var, n in balance.items():
                if n < 0 and pushed.get(var) == symbol and var not in rules:
                    add(symbol, i, f"{var!r} is popped {-n} more time(s) than it is pushed "
                        f"in rule {i} of {symbol!r}")

    for var, where in pushed.items():
        if where in persistent or var in rules:
            continue
        pops = any(isinstance(n, Action) and n.kind == "pop" and n.target == var
                   for rl in compiled.values() for r in rl for n in _walk(r or ()))
        top_level = any(isinstance(item, Action) and item.kind == "push" and item.target == var
                        for rl in compiled.values() for r in rl for item in (r or ()))
        if top_level and not pops:
            add(where, None, f"variable {var!r} is pushed in {where!r} and never popped; "
                "it stays in force for the rest of the dream", "warning")

    # A symbol is productive once some rule of it uses only productive symbols.
    productive = set(pushed)
    changed = True
    while changed:
        changed = False
        for symbol, rule_list in compiled.items():
            if symbol in productive:
                continue
            for rule in rule_list:
                if rule is not None and all(
                        n.symbol in productive or n.symbol not in known
                        for n in _walk(rule) if isinstance(n, Tag)):
                    productive.add(symbol)
                    changed = True
                    break
    for symbol in rules:
        if symbol not in productive:
            add(symbol, None, f"symbol {symbol!r} can never finish expanding: "
                "every rule of it recurses")

    if roots:
        seen, todo = set(), [r for r in roots if r in rules]
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            for rule in compiled.get(s, ()):
                for n in _walk(rule or ()):
                    if isinstance(n, Tag) and n.symbol in rules:
                        todo.append(n.symbol)
        for symbol in rules:
            if symbol not in seen:
                add(symbol, None, f"symbol {symbol!r} is never reached from the arc", "warning")

    problems.sort(key=lambda p: (p.severity != "error",))
    return problems


def build_grammar(layers, *, roots=(), persistent=()):
    """Layer, check and pre-parse; raise the first error as :class:`GrammarError`."""
    problems = [p for p in check_layers(layers, roots=roots, persistent=persistent)
                if p.severity == "error"]
    if problems:
        err = problems[0].to_error()
        if len(problems) > 1:
            err.message += f" (and {len(problems) - 1} more; run 'dreamgen check')"
        raise err
    rules, origin = _layer_rules(layers)
    compiled = {s: tuple(compile_rule(r) for r in rl) for s, rl in rules.items()}
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return Grammar(rules=rules, origin=origin, compiled=compiled, sha256=digest,
                   layers=tuple(layers))
