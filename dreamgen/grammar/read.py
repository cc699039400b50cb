"""Read one Tracery grammar file (JSON or YAML) into a :class:`Layer`, with positions."""

import json
from bisect import bisect_right
import hashlib
import re
from dataclasses import dataclass

from ..errors import GrammarError
from ..files import Memo, decode_utf8, read_limited
from ..settings import DEFAULT_MAX_GRAMMAR_BYTES


__all__ = ["APPEND_PREFIX", "ARC_KEY", "DEFAULT_MAX_GRAMMAR_BYTES", "Layer", "Problem",
           "read_layer"]

APPEND_PREFIX = "+"
ARC_KEY = "$arc"
# A tag cannot name these; ":" it can (#V:TRA# works in both references), so it is allowed.
_BAD_NAME = re.compile(r"[.#\[\]]")
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_EATEN_TAG = re.compile(r"\s+(#[^\s#][^#]*#)")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    rule_style: dict = None  # (key, index) -> how the rule is written, to count columns by

    def locate(self, key, index=None, offset=None):
        """``(line, col)`` of a key, of one of its rules, or of a character inside a rule."""
        if index is not None and (key, index) in self.rule_where:
            line, col = self.rule_where[(key, index)]
            if offset:
                col += _column_shift(self, key, index, offset)
            return line, col
        return self.where.get(key, (1, 1))


# A JSON rule with escapes keeps its source text, after this mark, to count columns by.
_JSON_SOURCE = "json:"


def _column_shift(layer, key, index, offset):
    # Columns count source characters, so an escape earlier in the rule widens them.
    style = (layer.rule_style or {}).get((key, index))
    if style is None:
        return 0
    if style.startswith(_JSON_SOURCE):
        return 1 + _source_offset(style[len(_JSON_SOURCE):], offset)
    if style in ("plain", "quoted"):
        return offset + (style == "quoted")
    return 0


def _source_offset(body, offset):
    """Where character ``offset`` of a JSON string is written in its source ``body``."""
    i = 0
    for _ in range(offset):
        if i >= len(body):
            break
        if body[i] != "\\":
            i += 1
        elif body[i + 1] != "u":
            i += 2
        elif (0xD800 <= int(body[i + 2:i + 6], 16) < 0xDC00 and body[i + 6:i + 8] == "\\u"
              and 0xDC00 <= int(body[i + 8:i + 12], 16) < 0xE000):
            i += 12  # a surrogate pair is one character once decoded
        else:
            i += 6
    return i


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
    where, rule_where, style, repeated = _json_positions(text)
    for key in dict.fromkeys(dupes):
        # json keeps a repeated key's last copy, so that is the one to point at.
        line, col = repeated.get(key) or where.get(key, (1, 1))
        report(f"duplicate key {key!r} in one file", line, col, key)
    return data, where, rule_where, style


_WS = re.compile(r"[ \t\n\r]*")


def _json_positions(text):
    """Where each top-level key and each rule string of a JSON grammar is written.

    Walks the text with the json module's own string scanner, so a key or rule is found as
    json decoded it (escapes and all), and a repeated key is placed at its last copy, which
    is the one json keeps. Runs only on text that ``json.loads`` has accepted.
    """
    scan, skip = json.decoder.scanstring, json.JSONDecoder().raw_decode
    lines = _Lines(text)
    where, rule_where, style, repeated = {}, {}, {}, {}

    def ws(pos):
        return _WS.match(text, pos).end()

    def string(key, j, pos):
        value, end = scan(text, pos + 1)
        rule_where[(key, j)] = lines(pos)
        body = text[pos + 1:end - 1]
        # A rule written without escapes maps its columns 1:1; one with them keeps its source.
        style[(key, j)] = "quoted" if body == value else _JSON_SOURCE + body
        return end

    pos = ws(ws(0) + 1)  # past the opening "{"
    while text[pos] != "}":
        at = lines(pos)
        key, pos = scan(text, pos + 1)
        if key in where:
            repeated[key] = at
            for j in [j for k, j in rule_where if k == key]:
                del rule_where[(key, j)]
                style.pop((key, j), None)
        where[key] = at
        pos = ws(ws(pos) + 1)  # past the ":"
        if text[pos] == '"':
            pos = string(key, 0, pos)
        elif text[pos] == "[":
            pos, j = ws(pos + 1), 0
            while text[pos] != "]":
                pos = string(key, j, pos) if text[pos] == '"' else skip(text, pos)[1]
                pos, j = ws(pos), j + 1
                if text[pos] == ",":
                    pos = ws(pos + 1)
            pos += 1
        else:
            pos = skip(text, pos)[1]
        pos = ws(pos)
        if text[pos] == ",":
            pos = ws(pos + 1)
    return where, rule_where, style, repeated


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


# Layers read without a problem, by path and digest: every load reads the built-in files
# again, and finding where each key and rule is written costs more than the rest of a load's
# reading. A Layer is never changed once read, so the same one is handed out again.
_CLEAN_READS = Memo(32)


def read_layer(path, *, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES, data=None, problems=None):
    """Read one grammar file (``.json``, ``.yaml`` or ``.yml``) into a :class:`Layer`.

    Raises :class:`GrammarError` naming the file, line and column for anything it cannot use.
    With a ``problems`` list, a symbol that cannot be used is reported there as a
    :class:`Problem` and left out instead, so that one run finds every such symbol; a file
    that cannot be read or parsed at all still raises.
    """
    path = str(path)
    raw = _read_bytes(path, max_bytes) if data is None else data
    digest = hashlib.sha256(raw).hexdigest()
    layer = _CLEAN_READS.get((path, digest))
    if layer is None:
        layer, reported = _read(path, raw, digest, problems)
        if not reported:
            _CLEAN_READS.keep((path, digest), layer)
    return layer


def _read(path, raw, digest, problems):
    """``(layer, whether a problem was reported)`` for :func:`read_layer`."""
    text = decode_utf8(path, raw, GrammarError)
    reported = []

    def report(message, line, col, symbol=None):
        reported.append(True)
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
            report(f"bad symbol name {key!r}: names cannot contain '.', '#', '[' or ']' "
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
                 sha256=digest, rule_style=style), bool(reported)


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
