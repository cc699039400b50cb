"""Check layered grammar files: :data:`CHECKS` is the list of checks, one small function each.

A check takes the :class:`Checked` grammar and yields :class:`~dreamgen.grammar.read.Problem`
values; a new check is one more function in the list.
"""

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..errors import did_you_mean
from ..files import Memo
from ..settings import DEFAULT_OVERLAY_WEIGHT
from ..text import FIRST_PERSON, YOU
from .layers import Layering, layered, reachable
from .modifiers import MODIFIERS
from .read import APPEND_PREFIX, Problem
from .rules import (MARKUP, Action, RuleSyntaxError, Tag, is_lexicon, markup_errors,
                    parsed_rule, walk)

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
    # (beat, symbol) for each symbol that writes a beat that speaks to you; none (a plain
    # Tracery grammar) skips the checks of a dream's wording.
    voiced: tuple = ()

    def __post_init__(self):
        self.layering = Layering.of(self.layers)
        for symbol, rule_list in self.layering.rules.items():
            self.compiled[symbol] = [self._compile(symbol, i, r) for i, r in enumerate(rule_list)]
        rules = self.rules
        # variable -> (symbol, index, compiled rule) for each rule a push gives it
        self.pushes = {}
        for symbol, i, rule in self.parsed():
            for n in walk(rule):
                if isinstance(n, Action) and n.kind == "push":
                    self.pushes.setdefault(n.target, []).extend((symbol, i, r) for r in n.rules)
        self.pushed = set(self.pushes)
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
        try:
            return parsed_rule(rule)
        except RuleSyntaxError as exc:
            error = exc
        # Every fault of the markup, where there are any; else what compiling found.
        bad = markup_errors(rule)
        for offset, message in bad:
            head, _, tail = message.partition(":")
            self.syntax.append(self.problem(
                symbol, i, f"{head} in {self.named(symbol, i)}" + (f":{tail}" if tail else ""),
                offset=offset))
        if not bad:
            self.syntax.append(self.problem(symbol, i, f"{error} in {self.named(symbol, i)}",
                                            offset=error.offset))
        return None

    def problem(self, symbol, index, message, severity="error", offset=None):
        """A :class:`Problem` at rule ``index`` of ``symbol`` (None: the symbol itself)."""
        path, line, col = self.layering.locate(symbol, index, offset)
        return Problem(path, line, col, message, severity, symbol)

    def named(self, symbol, index):
        _, key, j = self.layering.sources[symbol][index]
        return f"rule {j} of {key!r}"

    def parsed(self, symbols=None):
        """Every rule that parsed (of ``symbols``, if given), as ``(symbol, index, rule)``."""
        for symbol in self.compiled if symbols is None else symbols:
            for i, rule in enumerate(self.compiled[symbol]):
                if rule is not None:
                    yield symbol, i, rule

    def alternatives(self, name):
        """``(symbol, index, rule)`` for each rule ``#name#`` may expand: the symbol's own
        rules, then those pushed to a variable of that name (placed at the pushing rule)."""
        return [*self.parsed((name,) if name in self.compiled else ()),
                *self.pushes.get(name, ())]

    @cached_property
    def spoken(self):
        """The symbols a beat after the invocation, or the cast, can expand."""
        return reachable(self.compiled, (*(s for _, s in self.voiced), *self.persistent))

    @cached_property
    def reached(self):
        if not self.voiced:
            return reachable(self.compiled, self.roots)
        # The rest of the roots (the invocation) reach little that is not spoken already.
        return self.spoken | reachable(self.compiled,
                                       [r for r in self.roots if r not in self.spoken])

    @cached_property
    def says_you(self):
        """The symbols and variables every expansion of which says "you" somewhere (and
        unknown symbols, already an error, so as not to report them twice)."""
        names = {n: self.alternatives(n) for n in (*self.compiled, *self.pushes)}
        tagged = {n for n, alts in names.items()
                  if any(isinstance(x, Tag) for _, _, rule in alts for x in rule)}
        found = {n for n, alts in names.items()
                 if n not in tagged and all(_says_you(rule, ()) for _, _, rule in alts)}
        found |= self.read - self.known
        todo = tagged
        while True:
            new = {n for n in todo if all(_says_you(rule, found) for _, _, rule in names[n])}
            if not new:
                return found
            found |= new
            todo -= new

    @cached_property
    def neighbours(self):
        """Each tag in a reached rule with the words either side of it, as ``(symbol,
        index, tag, before, after)``; ``before`` is ``(word, gap)``, the last word of the text
        before the tag and what comes between them, ``after`` the same after it (``("", "")``
        where a tag or nothing is)."""
        found = []
        for symbol, rule_list in self.compiled.items():
            if symbol not in self.reached:
                continue
            for i, rule in enumerate(rule_list):
                if rule is None or len(rule) == 1 and isinstance(rule[0], str):
                    continue  # a word list's entry
                for k, item in enumerate(rule):
                    if isinstance(item, Tag):
                        before = rule[k - 1] if k and isinstance(rule[k - 1], str) else ""
                        after = rule[k + 1] if (k + 1 < len(rule)
                                                and isinstance(rule[k + 1], str)) else ""
                        found.append((symbol, i, item, _edge_word(before, last=True),
                                      _edge_word(after)))
        return found

    def opening(self, name, last=False):
        """The texts that can open (or, with ``last``, close) an expansion of ``#name#``, by
        that word in lower case: ``word -> [(symbol, index, text, own, word as written)]``.
        Only the words some rule puts beside a tag (and the articles) are kept. ``own`` is
        False for text pushed to a variable, whose column is not worked out."""
        key = (name, last)
        if key not in self._openings:
            # A symbol that opens with itself adds nothing new; in a longer loop this may
            # miss a text, which only leaves a fault unreported.
            self._openings[key] = {}
            found, inner = self._own_edges(name, last)
            found = {w: list(ts) for w, ts in found.items()}
            for child in inner:
                for w, ts in self.opening(child, last).items():
                    found.setdefault(w, []).extend(ts)
            self._openings[key] = found
        return self._openings[key]

    def _own_edges(self, name, last):
        """``(texts by their edge word, symbols whose text is at the edge)`` of the rules of
        ``#name#`` itself."""
        asked, found, inner = self._asked[last], {}, []
        joined = self._word_list(name)
        if joined is not None:
            # Most rules are word lists' entries: one regex call a list finds each entry's
            # edge word (matched at the start of the reversed list for the last word).
            texts, joined = self.rules[name], joined.lower()
            words = _LINE_OPENING.findall(joined[::-1] if last else joined)
            n = len(texts) - 1
            kept = asked[1] if last else asked[0]
            for i in [i for i, w in enumerate(words) if w in kept]:
                i = n - i if last else i
                word = _edge_word(texts[i], last)[0]
                found.setdefault(word.lower(), []).append((name, i, texts[i], True, word))
            return found, ()
        for symbol, i, rule in self.alternatives(name):
            items = [x for x in rule if not isinstance(x, Action)]
            item = items[-1 if last else 0] if items else ""
            if isinstance(item, Tag):
                if not {m for m, _ in item.modifiers} & _CHANGES_EDGE[last]:
                    inner.append(item.symbol)
                continue
            word, slack = _edge_word(item, last)
            if word.lower() in asked[0] and not slack.strip():
                found.setdefault(word.lower(), []).append((symbol, i, item, symbol == name,
                                                           word))
        return found, tuple(dict.fromkeys(inner))

    @cached_property
    def _asked(self):
        """The words (lower case) some rule has right before a tag, with the articles
        (``False``), or right after one (``True``); each as ``(words, reversed words)``."""
        before = {b[0].lower() for _, _, _, b, _ in self.neighbours} | set(_DETERMINERS)
        after = {a[0].lower() for _, _, _, _, a in self.neighbours}
        return {last: (words, {w[::-1] for w in words})
                for last, words in ((False, before), (True, after))}

    def _word_list(self, name):
        """The entries of ``name``, one a line, if it is a word list of one-line plain texts
        (else None)."""
        if name in self.pushes or name not in self.rules:
            return None
        joined = "\n".join(self.rules[name])
        if MARKUP.search(joined) or joined.count("\n") != len(self.rules[name]) - 1:
            return None
        return joined

    @cached_property
    def _openings(self):
        return {}


# Modifiers that change the first (or last) word of a tag's text.
_CHANGES_EDGE = {False: {"a", "firstS", "replace"}, True: {"s", "ed", "firstS", "replace"}}
_WORD = re.compile(r"[\w'’-]+")
_OPENING_WORD = re.compile(r"(\W*)([\w'’-]*)")
# The word each line opens with, after spaces only ("" where there is none).
_LINE_OPENING = re.compile(r"(?m)^[ \t]*([\w'’-]*)")


def _edge_word(text, last=False):
    """``(word, gap)``: the first (or last) word of ``text`` and what comes before (or after)
    it; ``word`` is empty when there is none."""
    if last:  # a match at the start of the reversed text, not a search through it
        gap, word = _OPENING_WORD.match(text[::-1]).groups()
        return word[::-1], gap[::-1]
    gap, word = _OPENING_WORD.match(text).groups()
    return word, gap


# The words after which a rule places an entry (an article or a possessive), and the words an
# entry placed there must not start with ("the my grandmother's sisters").
_ARTICLES = frozenset("a an the my your our their his its this these those every each".split())
_DETERMINERS = tuple(sorted(_ARTICLES | {"her", "that"}))


def _says_you(rule, says):
    """True if ``rule`` says "you" in its own text or through a tag whose symbol always does."""
    return any(YOU.search(item) if isinstance(item, str)
               else isinstance(item, Tag) and item.symbol in says for item in rule)


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
    for symbol in g.rules:
        if symbol not in g.reached:
            yield g.problem(symbol, None, f"symbol {symbol!r} is never reached from "
                            f"{g.reach_from}", "warning")


def _texts(raw, rule):
    """Each text of a compiled rule, with its offset in the rule string (None after an
    escape, where the two differ)."""
    cursor = 0
    for item in rule:
        if isinstance(item, str):
            exact = raw.startswith(item, cursor)
            yield item, cursor if exact else None
            cursor += len(item) if exact else 0
        else:
            marked = f"#{item.raw}#" if isinstance(item, Tag) else f"[{item.raw}]"
            at = raw.find(marked, cursor)
            cursor = at + len(marked) if at >= 0 else cursor


def check_first_person(g):
    """A rule that a beat after the invocation (or the cast) reaches says I, me, my or we."""
    if not g.voiced:
        return
    for symbol in (s for s in g.compiled if s in g.spoken):
        if not FIRST_PERSON.search("\n".join(g.rules[symbol])):
            continue  # one search a symbol finds the few with something to place
        for _, i, rule in g.parsed((symbol,)):
            for text, at in _texts(g.rules[symbol][i], rule):
                m = FIRST_PERSON.search(text)
                if m:
                    yield g.problem(symbol, i, f"{g.named(symbol, i)} says {m.group(0)!r}; a "
                                    "dream speaks to you, never in the first person",
                                    offset=None if at is None else at + m.start())
                    break


def _unaddressed(g, name, seen):
    """The rules of ``name``, or of the symbols its rules use, that leave out "you": those
    that write words of their own, or that only read variables and word lists."""
    for symbol, i, rule in g.parsed((name,)):
        if (symbol, i) in seen or _says_you(rule, g.says_you):
            continue
        seen.add((symbol, i))
        below = [x.symbol for x in rule if isinstance(x, Tag) and x.symbol in g.compiled
                 and not is_lexicon(g.rules[x.symbol])]
        if not below or any(_WORD.search(x) for x in rule if isinstance(x, str)):
            yield symbol, i
            continue
        # Any one of the symbols saying "you" would do; the first that does not is named.
        for child in below:
            found = list(_unaddressed(g, child, seen))
            yield from found
            if found:
                break


def check_beats_say_you(g):
    """A beat after the invocation that its rules can write without saying "you"."""
    seen = set()
    for beat, entry in g.voiced:
        if entry in g.compiled and entry not in g.says_you:
            for symbol, i in _unaddressed(g, entry, seen):
                yield g.problem(symbol, i, f"{g.named(symbol, i)} never says 'you', so beat "
                                f"{beat!r} can be written without speaking to you; every beat "
                                "after the invocation does")


def _entry_problem(g, symbol, index, own, word, last, message):
    raw = g.rules[symbol][index]
    at = (raw.rfind(word) if last else raw.find(word)) if own else -1
    return g.problem(symbol, index, message, offset=at if at >= 0 else None)


def check_doubled_articles(g):
    """An entry that starts with an article or possessive, used where a rule puts one before
    it already ("the my grandmother's sisters")."""
    if not g.voiced:
        return
    seen = set()
    for symbol, i, tag, before, _ in g.neighbours:
        by_a = any(m == "a" for m, _ in tag.modifiers)
        article, gap = before
        if not by_a and not (gap.isspace() and article.lower() in _ARTICLES):
            continue
        found = g.opening(tag.symbol)
        for es, ei, text, own, first in (t for d in _DETERMINERS for t in found.get(d, ())):
            if (es, ei) in seen:
                continue
            seen.add((es, ei))
            entry = text.strip()
            said = MODIFIERS["a"](entry) if by_a else f"{article} {entry}"
            yield _entry_problem(
                g, es, ei, own, first, False,
                f"{entry!r} ({g.named(es, ei)}) starts with {first!r}, but "
                f"{g.named(symbol, i)} puts {said.split()[0]!r} before #{tag.raw}#: "
                f"\"{said}\"; write the entry without {first!r}")


def check_repeated_neighbour(g):
    """An entry whose first (or last) word is the word a rule puts right before (or after)
    it ("silver glow glow"), or a one-word entry a comma away from the same word."""
    if not g.voiced:
        return
    seen = set()
    for symbol, i, tag, before, after in g.neighbours:
        mods = {m for m, _ in tag.modifiers}
        for last, (word, gap) in ((False, before), (True, after)):
            if (not word or mods & _CHANGES_EDGE[last] or word.lower() in _ARTICLES
                    or not gap or gap.strip() not in ("", ",")):
                continue
            for es, ei, text, own, mine in g.opening(tag.symbol, last).get(word.lower(), ()):
                entry = text.strip()
                if (es, ei, last) in seen or (gap.strip() and entry.lower() != word.lower()):
                    continue
                seen.add((es, ei, last))
                said = f"{entry}{gap}{word}" if last else f"{word}{gap}{entry}"
                where = "after" if last else "before"
                yield _entry_problem(
                    g, es, ei, own, mine, last,
                    f"{entry!r} ({g.named(es, ei)}) {'ends' if last else 'starts'} with "
                    f"{mine!r}, and {g.named(symbol, i)} says {word!r} right {where} "
                    f"#{tag.raw}#: \"{said}\"")


CHECKS = (check_appends, check_syntax, check_names, check_ended_pushes,
          check_tag_pushes_read_elsewhere, check_balance, check_endless, check_reached,
          check_first_person, check_beats_say_you, check_doubled_articles,
          check_repeated_neighbour)


def check_layers(layers, *, roots=(), persistent=(), reach_from="the arc", voiced=(),
                 checks=CHECKS):
    """Every problem of the layered grammar, as a list of :class:`Problem` (errors first).

    ``roots`` are the symbols a dream expands (for reachability; none skips that check);
    pushes made inside the ``persistent`` symbols (the cast) are meant to last the whole dream.
    ``voiced`` is ``(beat, symbol)`` for each symbol that writes a beat that speaks to you
    (:meth:`Arc.voiced <dreamgen.grammar.arc.Arc.voiced>`); without it, the checks of a
    dream's wording (first person, "you", articles, repeated words) are skipped.

    >>> check_layers([read_layer("g.json", data=b'{"origin": "#nme#", "name": "x"}')])[0].message
    "unknown symbol 'nme' in rule 0 of 'origin'; did you mean 'name'?"
    """
    layers, roots, persistent, voiced = map(tuple, (layers, roots, persistent, voiced))
    # A Layer is never changed once made, and read_layer hands out the same one for the same
    # bytes, so the same layers have the same problems: the second of `generate --grammar`'s
    # two checks, and any later load of the same files, costs nothing. The layers are kept
    # with the answer, so no other object can take one of their ids.
    try:
        key = (tuple(map(id, layers)), roots, persistent, reach_from, voiced, tuple(checks),
               tuple(MODIFIERS.items()))
        kept = _CHECKED.get(key)
    except TypeError:  # an option that cannot be hashed: check without remembering
        key = kept = None
    if kept is not None:
        return list(kept[1])
    g = Checked(layers, roots, persistent, reach_from, voiced=voiced)
    problems = [p for check in checks for p in check(g)]
    order = {layer.path: n for n, layer in enumerate(layers)}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.path, len(order)),
                                 p.line, p.column))
    if key is not None:
        _CHECKED.keep(key, (layers, tuple(problems)))
    return problems


# check_layers's answers by the identity of the layers and the options: (layers, problems).
_CHECKED = Memo(16)


def _parsed_or_none(rule):
    try:
        return parsed_rule(rule)
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
