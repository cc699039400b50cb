"""Pre-parse Tracery rule strings into text, :class:`Tag` and :class:`Action` items."""

import re
from dataclasses import dataclass
from functools import lru_cache

import tracery

__all__ = ["MARKUP", "TAG", "Action", "RuleSyntaxError", "Tag", "compile_rule", "is_lexicon",
           "markup_errors", "parsed_rule", "walk"]

# A tag as corpus text and Markov sentences write one: "#fallen#" or "#fallen.capitalize#".
TAG = re.compile(r"#([^#\s]*)#")
# Text without any of these is a rule of plain text: compile_rule would return it unchanged.
MARKUP = re.compile(r"[#\[\]\\]")
_MODIFIER = re.compile(r"([^()]*)(?:\((.*)\))?")
# Rule strings whose parse parsed_rule keeps: more than the built-in grammar has (about
# 7,400), with room for overlays, as a smaller LRU memo would drop each rule before its
# next use when a load walks the whole grammar.
_PARSED_RULES = 1 << 15


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
    m = _MODIFIER.fullmatch(text)
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


@lru_cache(maxsize=_PARSED_RULES)
def parsed_rule(rule):
    """:func:`compile_rule` of ``rule``, kept: every load checks and pre-parses the built-in
    grammar again, and a process that loads it often (a test run, a caller trying overlays)
    would parse the same strings each time. The compiled rule is immutable, so it is shared.
    """
    return compile_rule(rule)


def walk(rule):
    """Every Tag and Action in a compiled rule, depth first."""
    for item in rule:
        if isinstance(item, Tag):
            yield item
            for a in item.preactions:
                yield from walk((a,))
        elif isinstance(item, Action):
            yield item
            for r in item.rules:
                yield from walk(r)



def is_lexicon(rules):
    """True for a word list: rule strings that are all plain text, with no tag or action."""
    return all(MARKUP.search(r) is None for r in rules)
