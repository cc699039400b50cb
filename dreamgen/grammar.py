"""Load, layer, check and pre-parse Tracery grammar files (JSON or YAML)."""

from bisect import bisect_right
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import tracery

from .errors import GrammarError, did_you_mean
from .files import decode_utf8, read_limited
from .modifiers import MODIFIERS

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
    "markup_errors",
    "reachable",
    "read_layer",
]

DEFAULT_MAX_GRAMMAR_BYTES = 2_000_000
APPEND_PREFIX = "+"
ARC_KEY = "$arc"
_BAD_NAME = re.compile(r"[.#\[\]:]")
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_EATEN_TAG = re.compile(r"\s+(#[^\s#][^#]*#)")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        return f"{where}: {tag}{self.message}"

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
    rule_style: dict = None  # (key, index) -> how the rule is quoted, when columns map 1:1

    def locate(self, key, index=None, offset=None):
        """``(line, col)`` of a key, of one of its rules, or of a character inside a rule."""
        if index is not None and (key, index) in self.rule_where:
            line, col = self.rule_where[(key, index)]
            if offset:
                col += _column_shift(self, key, index, offset)
            return line, col
        return self.where.get(key, (1, 1))


def _column_shift(layer, key, index, offset):
    # Columns count source characters, so a JSON escape earlier in the rule widens them.
    style = (layer.rule_style or {}).get((key, index))
    rule = layer.rules.get(key, ())[index] if index < len(layer.rules.get(key, ())) else None
    if style is None or rule is None:
        return 0
    if style in ("json", "json-ascii"):
        return len(json.dumps(rule[:offset], ensure_ascii=style == "json-ascii")) - 1
    return offset + (style == "quoted")


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
        if self.layers:
            # Rule indexes run across the layers that append to a symbol ("+symbol").
            return _where(self.layers, symbol, index)
        return self.origin.get(symbol, ("<grammar>", 1, 1))


# -- reading -------------------------------------------------------------------------

def _read_bytes(path, max_bytes):
    return read_limited(path, max_bytes, GrammarError, what="grammar file",
                        option="--max-grammar-bytes")


class _Lines:
    """Offsets to ``(line, column)`` in one text, each lookup in O(log lines)."""

    def __init__(self, text):
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def __call__(self, offset):
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _line_col(text, offset):
    return _Lines(text)(offset)


def _parse_json(path, text, report):
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
    except RecursionError:
        raise GrammarError("invalid JSON: nested too deeply (a grammar is an object of "
                           "symbols to strings or lists of strings)", path=path) from None
    except ValueError as exc:  # such as an integer of more than 4,300 digits
        raise GrammarError(f"invalid JSON: {str(exc).split(':')[0]} (rules must be strings)",
                           path=path) from None
    if not isinstance(data, dict):
        raise GrammarError(
            f"top level is a JSON {type(data).__name__}, expected an object of symbols",
            path=path, line=1, column=1)
    where, rule_where, style = _json_positions(text, data)
    for key in dict.fromkeys(dupes):
        line, col = _second_key_position(text, key) or where.get(key, (1, 1))
        report(f"duplicate key {key!r} in one file", line, col, key)
    return data, where, rule_where, style


_COLON = re.compile(r"\s*:")


def _find_key(text, key, pos=0):
    """``(start, end)`` of the first ``"key":`` at or after ``pos``, or None."""
    best = None
    for needle in {json.dumps(key), json.dumps(key, ensure_ascii=False)}:
        k = text.find(needle, pos)
        while k >= 0:
            m = _COLON.match(text, k + len(needle))
            if m:
                if best is None or k < best[0]:
                    best = (k, m.end())
                break
            k = text.find(needle, k + 1)
    return best


def _second_key_position(text, key):
    first = _find_key(text, key)
    second = first and _find_key(text, key, first[1])
    return _line_col(text, second[0]) if second else None


def _json_positions(text, data):
    # The json module keeps no positions, so find each key and rule string in the text.
    # Top-level keys appear in file order, so each search starts where the last one ended,
    # which keeps a large file linear.
    lines = _Lines(text)
    where, rule_where, spans, style = {}, {}, [], {}
    pos = 0
    for key in data:
        hit = _find_key(text, key, pos)
        where[key] = lines(hit[0]) if hit else (1, 1)
        spans.append((key, hit[1] if hit else pos))
        if hit:
            pos = hit[1]
    for i, (key, start) in enumerate(spans):
        end = spans[i + 1][1] if i + 1 < len(spans) else len(text)
        value = data[key]
        items = value if isinstance(value, list) else [value]
        pos = start
        for j, item in enumerate(items):
            if not isinstance(item, str):
                continue
            for ascii_only in (False, True):
                needle = json.dumps(item, ensure_ascii=ascii_only)
                k = text.find(needle, pos, max(end, pos))
                if k >= 0:
                    rule_where[(key, j)] = lines(k)
                    style[(key, j)] = "json-ascii" if ascii_only else "json"
                    pos = k + len(needle)
                    break
    return where, rule_where, style


_YAML_PLAIN = "tag:yaml.org,2002:"
_YAML_SAFE_TAGS = {_YAML_PLAIN + t for t in
                   ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def _refuse_tags(path, root):
    """Refuse any YAML tag outside the plain data types, anywhere under ``root``."""
    import yaml

    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _YAML_SAFE_TAGS:
            short = node.tag.replace(_YAML_PLAIN, "!!", 1)
            raise GrammarError(
                f"YAML tag {short} is refused: a grammar holds only plain strings, and "
                "dreamgen's safe loader builds no Python objects", path=path,
                line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        if isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                todo.extend((k, v))


def _parse_yaml(path, text, report):
    import yaml  # only YAML overlays pay for this import

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GrammarError(f"invalid YAML: {problem}", path=path,
                           line=mark.line + 1 if mark else None,
                           column=mark.column + 1 if mark else None) from None
    except RecursionError:
        raise GrammarError("invalid YAML: nested too deeply (a grammar maps symbols to "
                           "strings or lists of strings)", path=path) from None
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    _refuse_tags(path, root)
    if not isinstance(root, yaml.MappingNode):
        raise GrammarError("top level is not a mapping of symbols", path=path, line=1, column=1)

    def pos(node):
        return node.start_mark.line + 1, node.start_mark.column + 1

    def scalar(node, what, symbol=None):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG:
            kind = node.tag.rsplit(":", 1)[-1] if isinstance(node, yaml.ScalarNode) else (
                "list" if isinstance(node, yaml.SequenceNode) else "mapping")
            report(f"{what} is a YAML {kind}, not a string (quote it)", *pos(node), symbol)
            return None
        return node.value

    def one_line_style(node):
        start, end = node.start_mark, node.end_mark
        if start.line != end.line:
            return None
        width = end.column - start.column
        if node.style is None and width == len(node.value):
            return "plain"
        if node.style in ("'", '"') and width == len(node.value) + 2:
            return "quoted"
        return None

    lines = text.splitlines()

    def eaten_tag(node):
        # "- the #colour# sky" in YAML is the rule "the": '#' after a space opens a comment.
        end = node.end_mark
        rest = lines[end.line][end.column:] if end.line < len(lines) else ""
        m = _EATEN_TAG.match(rest)
        if node.style is None and m:
            report(f"'{m.group(1)}' after a space starts a YAML comment, so the rule is cut "
                   f"short at {node.value!r}; put the rule in quotes", end.line + 1,
                   end.column + 1 + m.start(1), key)

    data, where, rule_where, style = {}, {}, {}, {}
    for knode, vnode in root.value:
        key = scalar(knode, "a symbol name")
        if key is None:
            continue
        if key in data:
            report(f"duplicate key {key!r} in one file", *pos(knode), key)
            continue
        where[key] = pos(knode)
        if key == ARC_KEY:
            try:
                data[key] = yaml.load(yaml.serialize(vnode), Loader=yaml.SafeLoader)
            except (yaml.YAMLError, RecursionError) as exc:
                report(f"invalid {ARC_KEY!r} section: {getattr(exc, 'problem', None) or exc}"
                       .splitlines()[0], *pos(vnode), key)
            continue
        if isinstance(vnode, yaml.SequenceNode) and vnode.tag != _SEQ_TAG:
            report(f"the rules of {key!r} carry the YAML tag {vnode.tag!r}; only plain lists "
                   "of strings are allowed", *pos(vnode), key)
            continue
        items = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
        rules = []
        for j, item in enumerate(items):
            what = f"rule {j} of {key!r}" if isinstance(vnode, yaml.SequenceNode) \
                else f"the rule of {key!r}"
            value = scalar(item, what, key)
            if value is None:
                rules = None
                break
            eaten_tag(item)
            rule_where[(key, j)] = pos(item)
            if one_line_style(item):
                style[(key, j)] = one_line_style(item)
            rules.append(value)
        if rules is not None:
            data[key] = rules if isinstance(vnode, yaml.SequenceNode) else rules[0]
    return data, where, rule_where, style


def read_layer(path, *, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES, data=None, problems=None):
    """Read one grammar file (``.json``, ``.yaml`` or ``.yml``) into a :class:`Layer`.

    Raises :class:`GrammarError` naming the file, line and column for anything it cannot use.
    With a ``problems`` list, a symbol that cannot be used is reported there as a
    :class:`Problem` and left out instead, so that one run finds every such symbol; a file
    that cannot be read or parsed at all still raises.
    """
    path = str(path)
    raw = _read_bytes(path, max_bytes) if data is None else data
    text = decode_utf8(path, raw, GrammarError)

    def report(message, line, col, symbol=None):
        if problems is None:
            raise GrammarError(message, path=path, line=line, column=col, symbol=symbol)
        problems.append(Problem(path, line, col, message, symbol=symbol))

    parse = _parse_yaml if path.endswith((".yaml", ".yml")) else _parse_json
    obj, where, rule_where, style = parse(path, text, report)
    rules = {}
    arc = None
    for key, value in obj.items():
        line, col = where.get(key, (1, 1))
        if key == ARC_KEY:
            if not isinstance(value, dict):
                report(f"{ARC_KEY!r} must be an object", line, col)
            else:
                arc = value
            continue
        name = key[len(APPEND_PREFIX):] if key.startswith(APPEND_PREFIX) else key
        if (not name or name != name.strip() or _BAD_NAME.search(name)
                or _SURROGATE.search(name)):
            report(f"bad symbol name {key!r}: names cannot contain '.', '#', '[', ']' or ':' "
                   "or start or end with spaces; rename it", line, col, key)
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            report(f"symbol {name!r} is {_kind(value)}; a rule must be a string or a list of "
                   "strings", line, col, name)
            continue
        if not value:
            report(f"symbol {name!r} has an empty list of rules; give it at least one rule",
                   line, col, name)
            continue
        bad = [j for j, item in enumerate(value) if not isinstance(item, str)]
        for j in bad:
            rl, rc = rule_where.get((key, j), (line, col))
            report(f"rule {j} of symbol {name!r} is {_kind(value[j], nested=True)}; rules "
                   "must be strings", rl, rc, name)
        for j, item in enumerate(value):
            if isinstance(item, str) and _SURROGATE.search(item):
                rl, rc = rule_where.get((key, j), (line, col))
                report(f"rule {j} of symbol {name!r} holds a lone surrogate escape (such as "
                       "\\ud800), which is not a character; remove it", rl, rc, name)
                bad.append(j)
        if not bad:
            rules[key] = tuple(value)
    return Layer(path=path, rules=rules, where=where, rule_where=rule_where, arc=arc,
                 sha256=hashlib.sha256(raw).hexdigest(), rule_style=style)


def _kind(value, nested=False):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a nested list" if nested else "a list"
    return type(value).__name__


# -- pre-parsing -----------------------------------------------------------------------

class RuleSyntaxError(ValueError):
    """A rule string whose Tracery markup cannot be parsed; ``offset`` is where, if known."""

    def __init__(self, message, offset=None):
        super().__init__(message)
        self.offset = offset


def markup_errors(rule):
    """Unbalanced or empty ``#`` tags and ``[ ]`` actions in a rule, as ``(offset, message)``.

    Follows the state machine of ``tracery.parse``, which reports the same faults without
    saying where they are.
    """
    errors, opens = [], []
    in_tag = escaped = False
    tag_start = action_start = 0
    for i, c in enumerate(rule):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "[":
            if not opens and not in_tag:
                action_start = i
            opens.append(i)
        elif c == "]":
            if not opens:
                errors.append((i, "unbalanced ']': it closes no '['"))
                continue
            opens.pop()
            if not opens and not in_tag and i == action_start + 1:
                errors.append((action_start, "empty action '[]'"))
        elif c == "#" and not opens:
            if in_tag and i == tag_start + 1:
                errors.append((tag_start, "empty tag '##'"))
            elif not in_tag:
                tag_start = i
            in_tag = not in_tag
    if in_tag:
        errors.append((tag_start, "unclosed '#': this tag has no closing '#'"))
    if opens:
        errors.append((opens[0], "unclosed '[': this action has no closing ']'"))
    return sorted(errors)


def _split_modifier(text):
    m = re.fullmatch(r"([^()]*)(?:\((.*)\))?", text)
    if not m:
        raise RuleSyntaxError(f"malformed modifier {text!r}")
    name, params = m.group(1), m.group(2)
    return name, tuple(params.split(",")) if params is not None else ()


def _unescape(text):
    return text.replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\")


def _compile_action(raw):
    # As both references do: split on every ':' and keep the second part only, so
    # "[t:12:30]" pushes "12", and "[a:[b:x]#b#]" pushes "[b" (which reads as "b").
    parts = raw.split(":")
    target = parts[0]
    if len(parts) == 1:
        return Action("run", raw, (compile_rule(raw),), raw)
    if parts[1] == "POP":
        return Action("pop", target, (), raw)
    return Action("push", target,
                  tuple(compile_rule(r, lenient=True) for r in parts[1].split(",")), raw)


def compile_rule(rule, *, lenient=False):
    """Pre-parse one Tracery rule string into a tuple of text, :class:`Tag` and :class:`Action`.

    Raises :class:`RuleSyntaxError` for malformed markup. ``lenient`` reads stray brackets
    as the references do (the pieces of a push, cut at ',' and ':', often have them).
    """
    bad = [] if lenient else markup_errors(rule)
    if bad:
        raise RuleSyntaxError(bad[0][1], bad[0][0])
    sections, errors = tracery.parse(rule)
    if errors and not lenient:  # markup_errors should have caught these first
        raise RuleSyntaxError("; ".join(errors))
    out = []
    cursor = 0
    for section in sections:
        kind, raw = section["type"], section["raw"]
        if kind == 0:
            out.append(_unescape(raw))
            continue
        marked = f"#{raw}#" if kind == 1 else f"[{raw}]"
        at = rule.find(marked, cursor)
        cursor = at + len(marked) if at >= 0 else cursor
        try:
            if kind == 2:
                out.append(_compile_action(raw))
                continue
            try:
                parsed = tracery.parse_tag(raw)
            except Exception:  # pytracery raises a bare Exception for this case
                raise RuleSyntaxError(f"tag #{raw}# has text after its modifiers; "
                                      "a tag is #symbol.modifier#") from None
            if not parsed["symbol"]:
                raise RuleSyntaxError(f"tag #{raw}# names no symbol")
            mods = tuple(_split_modifier(m) for m in parsed["modifiers"])
            pre = tuple(_compile_action(a["raw"]) for a in parsed["preactions"])
            out.append(Tag(parsed["symbol"], mods, pre, raw))
        except RuleSyntaxError as exc:
            raise RuleSyntaxError(str(exc), at if at >= 0 else None) from None
    return tuple(out)


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
    """The layered rules, where each symbol came from, and where each layered rule was written.

    ``sources[symbol][i]`` is ``(layer, key, index in that key)`` for layered rule ``i``.
    """
    rules, origin, sources = {}, {}, {}
    for layer in layers:
        for key, value in layer.rules.items():
            spans = [(layer, key, j) for j in range(len(value))]
            if key.startswith(APPEND_PREFIX):
                name = key[len(APPEND_PREFIX):]
                rules[name] = rules.get(name, ()) + value
                sources[name] = sources.get(name, []) + spans
                origin.setdefault(name, (layer.path, *layer.locate(key)))
            else:
                rules[key] = value
                sources[key] = spans
                origin[key] = (layer.path, *layer.locate(key))
    return rules, origin, sources


def _where(layers, symbol, index=None):
    """``(path, line, col)`` of rule ``index`` of the layered ``symbol``, or of the symbol."""
    _, _, sources = _layer_rules(layers)
    spans = sources.get(symbol, ())
    if index is not None and index < len(spans):
        layer, key, j = spans[index]
        return (layer.path, *layer.locate(key, j))
    layer, key = _defining(layers, symbol)
    if layer is None:
        return ("<grammar>", 1, 1)
    return (layer.path, *layer.locate(key))


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
    for node in _walk(rule):
        marked = f"#{node.raw}#" if isinstance(node, Tag) else f"[{node.raw}]"
        at = rule_text.find(marked, cursor)
        if at >= 0:
            found[id(node)] = at
            cursor = at + 1
    return found


def check_layers(layers, *, roots=(), persistent=(), reach_from="the arc"):
    """Every problem of the layered grammar, as a list of :class:`Problem` (errors first).

    ``roots`` are the symbols a dream expands (for reachability; none skips that check);
    pushes made inside the ``persistent`` symbols (the cast) are meant to last the whole dream.

    >>> check_layers([read_layer("g.json", data=b'{"origin": "#nme#", "name": "x"}')])[0].message
    "unknown symbol 'nme' in rule 0 of 'origin'; did you mean 'name'?"
    """
    rules, _, sources = _layer_rules(layers)
    order = {layer.path: n for n, layer in enumerate(layers)}
    problems = []

    def add(symbol, index, message, severity="error", offset=None):
        if index is None or index >= len(sources.get(symbol, ())):
            layer, key = _defining(layers, symbol)
            path, (line, col) = (layer.path, layer.locate(key)) if layer else ("<grammar>",
                                                                               (1, 1))
        else:
            layer, key, j = sources[symbol][index]
            path, (line, col) = layer.path, layer.locate(key, j, offset)
        problems.append(Problem(path, line, col, message, severity, symbol))

    def named(symbol, index):
        _, key, j = sources[symbol][index]
        return f"rule {j} of {key!r}"

    defined = set()
    for layer in layers:
        for key in layer.rules:
            if key.startswith(APPEND_PREFIX) and key[1:] not in defined:
                line, col = layer.locate(key)
                problems.append(Problem(
                    layer.path, line, col, f"{key!r} adds to a symbol that is not defined "
                    f"before it{did_you_mean(key[1:], defined, prefix=APPEND_PREFIX)}",
                    symbol=key[1:]))
            defined.add(key[1:] if key.startswith(APPEND_PREFIX) else key)

    compiled = {}
    for symbol, rule_list in rules.items():
        out = []
        for i, rule in enumerate(rule_list):
            bad = markup_errors(rule)
            for offset, message in bad:
                head, _, tail = message.partition(":")
                add(symbol, i, f"{head} in {named(symbol, i)}" + (f":{tail}" if tail else ""),
                    offset=offset)
            if bad:
                out.append(None)
                continue
            try:
                out.append(compile_rule(rule))
            except RuleSyntaxError as exc:
                add(symbol, i, f"{exc} in {named(symbol, i)}", offset=exc.offset)
                out.append(None)
        compiled[symbol] = out

    pushed = set()
    for rule_list in compiled.values():
        for rule in rule_list:
            pushed.update(n.target for n in _walk(rule or ())
                          if isinstance(n, Action) and n.kind == "push")
    known = set(rules) | pushed
    lasting = set()
    for rule_list in compiled.values():
        for rule in rule_list:
            lasting.update(d[1] for d in _events(rule or ()) if d[0] > 0)
    # Variables that only a tag's own push sets: they exist only while that tag expands.
    tag_only = pushed - lasting - set(rules)
    popped, read = set(), set()
    for rule_list in compiled.values():
        for rule in rule_list:
            popped.update(d[1] for d in _events(rule or ()) if d[0] < 0)
            read.update(n.symbol for n in _walk(rule or ()) if isinstance(n, Tag))

    for symbol, rule_list in compiled.items():
        for i, rule in enumerate(rule_list):
            if rule is None:
                continue
            at = _offsets(rules[symbol][i], rule)
            for node in _walk(rule):
                start = at.get(id(node), 0)
                if isinstance(node, Tag):
                    sym_at = start + 1 + node.raw.find(node.symbol, node.raw.rfind("]") + 1)
                    if node.symbol not in known:
                        add(symbol, i, f"unknown symbol {node.symbol!r} in {named(symbol, i)}"
                            f"{did_you_mean(node.symbol, known)}", offset=sym_at)
                    for name, _params in node.modifiers:
                        if name not in MODIFIERS:
                            mod_at = start + 1 + node.raw.find("." + name)
                            add(symbol, i, f"unknown modifier '.{name}' in {named(symbol, i)}"
                                f"{did_you_mean(name, MODIFIERS, prefix='.')}", offset=mod_at)
                elif node.kind == "pop" and node.target not in pushed:
                    add(symbol, i, f"[{node.target}:POP] in {named(symbol, i)} pops "
                        f"{node.target!r}, which nothing ever pushes", offset=start)
            ended = set()
            for item in rule:
                if isinstance(item, Tag):
                    if item.symbol in ended:
                        add(symbol, i, f"#{item.symbol}# in {named(symbol, i)} comes after the "
                            f"tag that pushed {item.symbol!r}, and a tag's own push ends with "
                            f"it; write [{item.symbol}:...] before the tags to keep it",
                            offset=at.get(id(item)))
                    ended.update(a.target for a in item.preactions
                                 if a.kind == "push" and a.target in tag_only)
            balance = {}
            for delta, var in _events(rule):
                balance[var] = balance.get(var, 0) + delta
                if balance[var] == -1 and var in pushed and not _pushed_elsewhere(
                        compiled, var, symbol, i):
                    add(symbol, i, f"{var!r} is popped more often than it is pushed in "
                        f"{named(symbol, i)}, and no other rule pushes it")
            for var, n in balance.items():
                if n <= 0 or symbol in persistent or var in popped:
                    continue
                # A plain variable pushed and read later (the setPronouns idiom) is meant
                # to last; one that hides a symbol's own rules, or that nothing reads, is not.
                if var in rules:
                    add(symbol, i, f"variable {var!r} is pushed in {named(symbol, i)} and "
                        "never popped; it hides the symbol's own rules for the rest of the "
                        "dream", "warning")
                elif var not in read:
                    add(symbol, i, f"variable {var!r} is pushed in {named(symbol, i)} and "
                        "never read or popped", "warning")

    # A symbol is productive once some rule of it uses only productive symbols. A symbol with
    # a rule that does not parse counts as productive: that error is reported already.
    productive = set(pushed) | {s for s, rl in compiled.items() if None in rl}
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
    for symbol, rule_list in compiled.items():
        if symbol not in productive and None not in rule_list:
            add(symbol, None, f"symbol {symbol!r} can never finish expanding: every rule of "
                "it recurses without end")

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
                add(symbol, None, f"symbol {symbol!r} is never reached from {reach_from}",
                    "warning")

    problems.sort(key=lambda p: (p.severity != "error", order.get(p.path, len(order)),
                                 p.line, p.column))
    return problems


def reachable(grammar, roots):
    """The symbols of ``grammar`` that expanding ``roots`` can reach."""
    seen, todo = set(), [r for r in roots if r in grammar.compiled]
    while todo:
        symbol = todo.pop()
        if symbol in seen:
            continue
        seen.add(symbol)
        for rule in grammar.compiled[symbol]:
            todo.extend(n.symbol for n in _walk(rule)
                        if isinstance(n, Tag) and n.symbol in grammar.compiled)
    return seen


def _defining(layers, symbol):
    """The last layer that defines (not adds to) ``symbol``, and its key there."""
    for layer in reversed(layers):
        if symbol in layer.rules:
            return layer, symbol
    for layer in layers:
        if APPEND_PREFIX + symbol in layer.rules:
            return layer, APPEND_PREFIX + symbol
    return None, None


def _pushed_elsewhere(compiled, var, symbol, index):
    for other, rule_list in compiled.items():
        for j, rule in enumerate(rule_list):
            if (other, j) != (symbol, index) and any(
                    isinstance(n, Action) and n.kind == "push" and n.target == var
                    for n in _walk(rule or ())):
                return True
    return False


def build_grammar(layers, *, roots=(), persistent=(), problems=None):
    """Layer, check and pre-parse; raise the first error as :class:`GrammarError`.

    ``problems``, when given, is what :func:`check_layers` already found for these layers.
    """
    if problems is None:
        problems = check_layers(layers, roots=roots, persistent=persistent)
    problems = [p for p in problems if p.severity == "error"]
    if problems:
        err = problems[0].to_error()
        if len(problems) > 1:
            err.message += f" (and {len(problems) - 1} more; run 'dreamgen check')"
        raise err
    rules, origin, _ = _layer_rules(layers)
    compiled = {s: tuple(compile_rule(r) for r in rl) for s, rl in rules.items()}
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return Grammar(rules=rules, origin=origin, compiled=compiled, sha256=digest,
                   layers=tuple(layers))
