"""The grammar files ``generate`` reads (built-in, the user's overlays, those named) and the
arc, checked as one: :func:`load_grammar` for dreaming, :func:`check_files` for ``dreamgen check``."""

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ArcError, GrammarError, did_you_mean
from ..resources import grammar_paths
from ..settings import DEFAULT_MAX_GRAMMAR_BYTES, DEFAULT_OVERLAY_WEIGHT
from .arc import apply_arc_overlay, arc_overlay_problems, load_arc
from .layers import Layering
from .lint import build_grammar, check_layers, settle
from .read import ARC_KEY, Problem, read_layer
from .rules import is_lexicon

__all__ = ["STANDALONE_ROOT", "Report", "check_files", "load_grammar", "overlay_notes"]

# Tracery's own convention: a standalone grammar starts at "origin".
STANDALONE_ROOT = "origin"


@dataclass(frozen=True)
class Report:
    """What ``dreamgen check`` found: every problem, and the size of the layered grammar."""

    problems: tuple
    symbols: int
    beats: int  # None for a standalone grammar
    lexicons: dict  # symbol -> entries, for word lists (plain-text symbols no beat expands)

    @property
    def errors(self):
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self):
        return tuple(p for p in self.problems if p.severity != "error")

    def summary(self):
        """One line, such as ``ok: 91 symbols, 15 beats, 74 lexicons of 3 to 20 entries``."""
        sizes = sorted(self.lexicons.values())
        if not sizes:
            lex = "no lexicons"
        elif sizes[0] == sizes[-1]:
            lex = f"{len(sizes)} lexicon{'s' * (len(sizes) != 1)} of {sizes[0]} entries"
        else:
            lex = f"{len(sizes)} lexicons of {sizes[0]} to {sizes[-1]} entries"
        state = _count(len(self.errors), "error") if self.errors else "ok"
        if self.warnings:
            state += f" with {_count(len(self.warnings), 'warning')}"
        beats = "" if self.beats is None else f"{_count(self.beats, 'beat')}, "
        return (f"{state}: {_count(self.symbols, 'symbol')}, {beats}{lex} "
                f"({sum(sizes):,} in all)")

    def to_dict(self):
        return {
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "symbols": self.symbols,
            "beats": self.beats,
            "lexicons": dict(sorted(self.lexicons.items())),
            "problems": [p.to_dict() for p in self.problems],
            "summary": self.summary(),
        }


def _count(n, noun):
    return f"{n:,} {noun}{'s' * (n != 1)}"


def _as_problem(err):
    return Problem(err.path or "<grammar>", err.line or 1, err.column or 1, err.message,
                   symbol=err.symbol)


def _beat_where(arc_path, data=None):
    """``beat name -> (line, col)`` of its ``"name"`` in the arc file (``data``: its bytes)."""
    try:
        text = (Path(arc_path).read_bytes() if data is None else data).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    found = {}
    for m in re.finditer(r'"name"\s*:\s*("(?:[^"\\]|\\.)*")', text):
        line = text.count("\n", 0, m.start()) + 1
        found.setdefault(json.loads(m.group(1)),
                         (line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1))
    return found


def _collect(paths, *, standalone, user_overlays, max_bytes, problems, data=None,
             whole_files=True):
    """Read the layers and the arc, adding what is wrong to ``problems`` when it is a list.

    Returns ``(arc or None, layers, entry_where)``; ``entry_where`` maps each beat to the
    ``(path, line, col)`` that set its entry symbol. Without a list, raises on the first error;
    with ``whole_files=False``, still raises for a file it cannot use at all or a bad arc.
    """
    collect = problems is not None and whole_files
    arc, entry_where = None, {}
    data = data or {}
    files = [str(Path(p)) for p in paths]
    if not standalone:
        arc_path, files = grammar_paths(paths, user_overlays=user_overlays)
        arc_data = data.get(arc_path)
        if arc_data is None:  # read once for both; load_arc says what is wrong, if anything
            try:
                arc_data = Path(arc_path).read_bytes()
            except OSError:
                pass
        arc = load_arc(arc_path, data=arc_data)
        where = _beat_where(arc.path, arc_data)
        entry_where = {b.name: (arc.path, *where.get(b.name, (1, 1))) for b in arc.beats}
    layers = []
    for path in files:
        try:
            layer = read_layer(path, max_bytes=max_bytes, problems=problems,
                               data=data.get(path))
        except GrammarError as err:
            if not collect:
                raise
            problems.append(_as_problem(err))
            continue
        layers.append(layer)
        if layer.arc is None:
            continue
        line, col = layer.where.get(ARC_KEY, (1, 1))
        if arc is None:
            message = (f"{ARC_KEY!r} re-points the beats of dreamgen's arc, which a standalone "
                       "grammar does not have; check it without --standalone")
            if not collect:
                raise GrammarError(message, path=layer.path, line=line, column=col)
            problems.append(Problem(layer.path, line, col, message))
            continue
        found = arc_overlay_problems(arc, layer.arc)
        if found and not collect:
            beat, message = found[0]
            raise ArcError(message, path=layer.path, line=line, column=col, beat=beat)
        if found:
            problems.extend(Problem(layer.path, line, col, m) for _, m in found)
            continue
        new = apply_arc_overlay(arc, layer.arc, path=layer.path)
        for old, b in zip(arc.beats, new.beats):
            if b.entry != old.entry:
                entry_where[b.name] = (layer.path, line, col)
        if new.cast != arc.cast:
            entry_where[None] = (layer.path, line, col)
        arc = new
    return arc, layers, entry_where


def _arc_problems(arc, layers, entry_where, rules, warnings):
    """Beats whose entry symbol is missing, and symbols named like entries of no beat."""
    found = []
    for beat in arc.beats:
        if beat.entry not in rules:
            path, line, col = entry_where.get(beat.name, (arc.path, 1, 1))
            found.append(Problem(path, line, col, f"beat {beat.name!r} needs its entry symbol "
                                 f"{beat.entry!r}, which no grammar file defines"
                                 + did_you_mean(beat.entry, set(rules) - set(arc.names),
                                                cutoff=0.75),
                                 symbol=beat.entry))
    for length, spec in arc.lengths.items():
        for beat, entry in (spec.get("entries") or {}).items():
            if entry not in rules:
                found.append(Problem(arc.path, 1, 1, f"length {length!r} writes beat {beat!r} "
                                     f"with {entry!r}, which no grammar file defines",
                                     symbol=entry))
    if arc.cast not in rules:
        path, line, col = entry_where.get(None, (arc.path, 1, 1))
        found.append(Problem(path, line, col, f"the cast symbol {arc.cast!r} is not defined",
                             symbol=arc.cast))
    # With "entry_suffix": "Noir", a stray "wakeNoir" is surely meant for the beat "waking".
    unreached = {w.symbol: w for w in warnings if "never reached" in w.message}
    for layer in layers:
        suffix = (layer.arc or {}).get("entry_suffix")
        if not isinstance(suffix, str) or not suffix:
            continue
        for key in layer.rules:
            name = key[:-len(suffix)] if key.endswith(suffix) else None
            if name and name not in arc.names and key in unreached:
                line, col = layer.locate(key)
                found.append(Problem(
                    layer.path, line, col, f"symbol {key!r} is named like an entry symbol "
                    f"(suffix {suffix!r}), but the arc has no beat {name!r}"
                    f"{did_you_mean(name, arc.names, suffix=suffix)}", symbol=key))
                warnings.remove(unreached[key])
    return found


def _checked(paths, *, standalone, user_overlays, max_bytes, data=None, whole_files=True):
    """Read, check and sort by reach: ``(arc, layers, errors, warnings, roots)``.

    ``layers`` leave out the unreached symbols that have errors (see :func:`settle`).
    """
    problems = []
    arc, layers, entry_where = _collect(paths, standalone=standalone,
                                        user_overlays=user_overlays, max_bytes=max_bytes,
                                        problems=problems, data=data, whole_files=whole_files)
    rules = Layering.of(layers).rules
    if arc is not None:
        roots, persistent, reach, voiced = arc.roots(), (arc.cast,), "the arc", arc.voiced()
    else:
        roots = persistent = (STANDALONE_ROOT,) if STANDALONE_ROOT in rules else ()
        reach, voiced = repr(STANDALONE_ROOT), ()
    problems += check_layers(layers, roots=roots, persistent=persistent, reach_from=reach,
                             voiced=voiced)
    errors, warnings, layers = settle(layers, problems, roots)
    if arc is not None:
        errors += _arc_problems(arc, layers, entry_where, rules, warnings)
    return arc, layers, errors, warnings, roots


def check_files(paths=(), *, standalone=False, user_overlays=True,
                max_bytes=DEFAULT_MAX_GRAMMAR_BYTES):
    """Check grammar files and return a :class:`Report` of every problem found.

    By default each file is an overlay over the built-in grammar and the user's overlays, as
    ``dreamgen generate --grammar FILE`` would load it; warnings are kept only for the files
    named (all of them when none is). ``standalone=True`` checks plain Tracery grammars on
    their own, starting from ``"origin"``. A problem in a symbol never reached (from the
    arc, or from ``"origin"``) is a warning; in a reached one it is an error.

    >>> check_files(["examples/lantern.json"]).errors
    ()
    """
    arc, layers, errors, warnings, roots = _checked(
        paths, standalone=standalone, user_overlays=user_overlays, max_bytes=max_bytes)
    rules = Layering.of(layers).rules
    if paths:
        named = {str(p) for p in paths}
        warnings = [w for w in warnings if w.path in named]
    if arc is not None:
        warnings = [_standalone_hint(w) for w in warnings]
    problems = [*errors, *warnings]
    order = {str(p): n for n, p in enumerate(layer.path for layer in layers)}
    problems.sort(key=lambda p: (p.severity != "error", order.get(p.path, -1),
                                 p.line or 0, p.column or 0))
    entries = set(roots)
    return Report(problems=tuple(problems), symbols=len(rules),
                  beats=len(arc.beats) if arc else None,
                  lexicons={s: len(r) for s, r in rules.items()
                            if s not in entries and is_lexicon(r)})


def _standalone_hint(warning):
    if warning.symbol != STANDALONE_ROOT or "never reached" not in warning.message:
        return warning
    return replace(warning, message=warning.message + " (a standalone Tracery grammar? check "
                                                      "it with --standalone)")


def load_grammar(paths=(), *, user_overlays=True, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES, data=None,
                 overlay_weight=DEFAULT_OVERLAY_WEIGHT):
    """The arc and layered :class:`~dreamgen.grammar.Grammar` that dreams are written from.

    Runs the same checks as :func:`check_files` and raises the first error as a
    :class:`GrammarError` (saying how many more there are); symbols the arc never reaches
    and that have errors are left out. ``data`` may map a file's path to its bytes, already
    read. What the user's overlays (``paths`` and the config folder's, never the built-in
    files) append with ``"+key"`` is drawn ``overlay_weight`` times as often, as a group, as
    what the symbol had before (0: plain appending; see
    :func:`~dreamgen.grammar.layers.appended_weights`).
    """
    arc, layers, errors, _, _ = _checked(paths, standalone=False, user_overlays=user_overlays,
                                         max_bytes=max_bytes, data=data,
                                         whole_files=False)
    hint = " ".join(("dreamgen check", *map(str, paths)))
    builtin = set(grammar_paths(user_overlays=False)[1])
    overlays = frozenset(layer.path for layer in layers if layer.path not in builtin)
    return arc, build_grammar(layers, problems=errors, hint=hint, overlays=overlays,
                              overlay_weight=overlay_weight)


def overlay_notes(paths, *, user_overlays=True, max_bytes=DEFAULT_MAX_GRAMMAR_BYTES):
    """What ``generate --grammar PATH`` should say about each overlay before it dreams.

    Returns ``(notes, warnings, hint)``: one-line notes for an overlay the arc never reaches
    (a plain Tracery grammar, most often) and for each beat whose entry symbol an overlay
    replaces; the checker's warnings for the named files, as :class:`Problem`; and the
    command that lists them all (``check --standalone`` when every file is a plain grammar).
    """
    report = check_files(paths, user_overlays=user_overlays, max_bytes=max_bytes)
    arc, layers, _ = _collect(paths, standalone=False, user_overlays=user_overlays,
                              max_bytes=max_bytes, problems=[])
    unreached = {(w.path, w.symbol) for w in report.warnings if "never reached" in w.message}
    named = {str(p) for p in paths}
    notes, before, idle, plain = [], set(), set(), set()
    for layer in layers:
        own = [k for k in layer.rules if not k.startswith("+")]
        if layer.path in named and own and all((layer.path, k) in unreached for k in own):
            idle.add(layer.path)
            if STANDALONE_ROOT in own:
                plain.add(layer.path)
            start = (f" (it has {STANDALONE_ROOT!r}: a plain Tracery grammar?)"
                     if STANDALONE_ROOT in own else "")
            notes.append(f"{layer.path}: the arc reaches none of its {_count(len(own), 'symbol')}"
                         f", so it changes nothing{start}; run 'dreamgen expand {layer.path}' to "
                         f"expand it alone, or add a {ARC_KEY!r} section to weave it into the "
                         "dream")
        if layer.path in named:
            for beat in arc.beats:
                if beat.entry in layer.rules and beat.entry in before:
                    line, col = layer.locate(beat.entry)
                    notes.append(f"{layer.path}:{line}:{col}: note: {beat.entry!r} replaces the "
                                 f"entry symbol of beat {beat.name!r}, which now says only this "
                                 f"file's rules (write '+{beat.entry}' to add to them instead)")
        before.update(k.lstrip("+") for k in layer.rules)
    # The note already says the arc reaches none of a file's symbols; no need to list them.
    warnings = [w for w in report.warnings
                if not ("never reached" in w.message and w.path in idle)]
    hint = "dreamgen check --standalone" if plain == named else "dreamgen check"
    return notes, warnings, " ".join((hint, *map(str, paths)))
