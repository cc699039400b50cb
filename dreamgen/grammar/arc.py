"""The arc: the beats every dream keeps, read from ``grammars/arc.json``."""

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ArcError, did_you_mean
from ..settings import DEFAULT_LENGTH, DEFAULT_TITLE

__all__ = [
    "ARC_OVERLAY_KEYS",
    "DEFAULT_LENGTH",
    "DEFAULT_TITLE",
    "LENGTHS",
    "MAX_MARKOV",
    "Arc",
    "Beat",
    "Motif",
    "apply_arc_overlay",
    "arc_overlay_problems",
    "length_problems",
    "load_arc",
]

_BEAT_KEYS = {"name", "purpose", "entry", "markov", "markov_at"}
# Where a beat's Markov sentences go: anywhere after its opening sentence, right after it
# (the fall: what brightens comes before what drops, which the grammar's later sentences say),
# or after its last (the waking: "You keep it close as you dress" before "You lie still").
MARKOV_PLACES = ("anywhere", "opening", "closing")
# "full" is the arc itself; the others are read from the arc file's "lengths".
LENGTHS = ("micro", "short", "full")
# Markov sentences a beat may ask for.
MAX_MARKOV = 10
_LENGTH_KEYS = ("paragraphs", "entries", "markov")


@dataclass(frozen=True)
class Beat:
    """One step of the arc: its name, its purpose, the symbol that writes it, Markov count."""

    name: str
    purpose: str
    entry: str
    markov: int = 0
    markov_at: str = "anywhere"


@dataclass(frozen=True)
class Motif:
    """Words that belong to one stretch of the arc: from beat ``first`` to beat ``last``.

    A Markov sentence outside that stretch may not say them (nothing mends before the touch).
    ``None`` leaves that end open. A motif said ``once`` is said by one sentence of a dream at
    most: once a sentence has said it, no Markov sentence says it again (a second landing).
    A motif ``told`` is said by a Markov sentence only once the dream has said it (flowers
    only where the renewal made them bloom). A motif ``said_in`` a beat is one that beat's
    grammar always tells, in whatever words: from there on no Markov sentence tells it again
    (a second plea, the crack sealed twice). A motif said ``once_in`` a beat is said there by
    one sentence at most, and is free in every other beat (the witnesses looking up twice in
    the omen, though the wish may look up again).
    """

    name: str
    words: tuple
    first: str = None
    last: str = None
    once: bool = False
    told: bool = False
    said_in: str = None
    once_in: str = None


@dataclass(frozen=True)
class Arc:
    """The ordered beats, plus the symbol that picks a dream's cast before the first beat."""

    beats: tuple
    cast: str
    path: str = "<arc>"
    # length name -> {"paragraphs": [[beat, ...], ...], "entries": {beat: symbol},
    # "markov": {beat: count}}, as in the arc file (plain values, so a bundle can store them)
    lengths: dict = field(default_factory=dict, compare=False)
    title_template: str = DEFAULT_TITLE
    motifs: tuple = ()

    @property
    def names(self):
        return tuple(b.name for b in self.beats)

    def forbidden(self, beat):
        """The motif words a Markov sentence of ``beat`` may not say, in normal form."""
        names = self.names
        at = names.index(beat)
        out = set()
        for m in self.motifs:
            lo = names.index(m.first) if m.first else 0
            hi = names.index(m.last) if m.last else len(names) - 1
            if not lo <= at <= hi:
                out.update(m.words)
        return frozenset(out)

    def roots(self):
        shorter = (s for spec in self.lengths.values() for s in spec.get("entries", {}).values())
        return tuple(dict.fromkeys((self.cast, *(b.entry for b in self.beats), *shorter)))

    def voiced(self):
        """``(beat, symbol)`` for each symbol that writes a beat after the first (the
        invocation), at any length: the beats that speak to *you*."""
        first = self.beats[0].name
        shorter = ((b, s) for spec in self.lengths.values()
                   for b, s in spec.get("entries", {}).items())
        return tuple(dict.fromkeys(
            (b, s) for b, s in (*((b.name, b.entry) for b in self.beats), *shorter)
            if b != first))

    def at_length(self, length=DEFAULT_LENGTH):
        """``(beats, paragraphs)`` for a length: the beats it keeps, in arc order, re-pointed to
        their short forms, and how many beats each paragraph holds (``()``: one a beat).

        A beat a length keeps but gives no entry or Markov count keeps its full entry and gets
        no Markov sentences.
        """
        if length == DEFAULT_LENGTH:
            return self.beats, ()
        spec = self.lengths.get(length)
        if spec is None:
            raise ArcError(f"the arc has no length {length!r} (known: "
                           f"{', '.join(self.known_lengths())})", path=self.path)
        by_name = {b.name: b for b in self.beats}
        entries, markov = spec.get("entries", {}), spec.get("markov", {})
        beats = tuple(replace(by_name[n], entry=entries.get(n, by_name[n].entry),
                              markov=markov.get(n, 0))
                      for para in spec["paragraphs"] for n in para)
        return beats, tuple(len(para) for para in spec["paragraphs"])

    def known_lengths(self):
        return tuple(n for n in LENGTHS if n == DEFAULT_LENGTH or n in self.lengths)

    def title(self, cast):
        """A dream's title: the arc's ``title`` (``"The {fallen} over the {water}"``) filled
        from the cast in title case, or None when the cast lacks one of its variables."""
        try:
            return self.title_template.format_map({k: _title_case(v) for k, v in cast.items()})
        except (KeyError, IndexError, ValueError):
            return None


_SMALL_WORDS = frozenset("a an and as at by for from in into of on or over the to under with".split())


def _title_case(text):
    words = str(text).split(" ")
    return " ".join(w if w.lower() in _SMALL_WORDS and i else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def length_problems(arc, lengths):
    """Everything wrong with a ``lengths`` section (of an arc file or an overlay's ``$arc``)."""
    if not isinstance(lengths, dict):
        return ["'lengths' must map length names to their beats"]
    found, order = [], {n: i for i, n in enumerate(arc.names)}
    for name, spec in lengths.items():
        if name not in LENGTHS or name == DEFAULT_LENGTH:
            found.append(f"unknown length {name!r} (a length is one of "
                         f"{', '.join(n for n in LENGTHS if n != DEFAULT_LENGTH)})")
            continue
        if not isinstance(spec, dict) or set(spec) - set(_LENGTH_KEYS):
            found.append(f"length {name!r} is an object with {', '.join(_LENGTH_KEYS)}")
            continue
        paras = spec.get("paragraphs")
        if (not isinstance(paras, list) or not paras
                or not all(isinstance(p, list) and p for p in paras)):
            found.append(f"length {name!r} needs 'paragraphs': a list of lists of beat names")
            continue
        kept = [n for p in paras for n in p]
        unknown = [n for n in kept if n not in order]
        if unknown:
            found.append(f"length {name!r} keeps beat {unknown[0]!r}, which the arc does not "
                         f"have{did_you_mean(unknown[0], arc.names)}")
            continue
        if [order[n] for n in kept] != sorted(set(order[n] for n in kept)):
            found.append(f"length {name!r} must keep its beats in arc order, each once")
        for section in ("entries", "markov"):
            for beat, value in (spec.get(section) or {}).items():
                if beat not in kept:
                    found.append(f"length {name!r} gives {section!r} for beat {beat!r}, "
                                 "which it does not keep")
                elif section == "entries" and not (isinstance(value, str) and value):
                    found.append(f"length {name!r}: entry for {beat!r} must be a symbol name")
                elif section == "markov" and not (isinstance(value, int) and
                                                   not isinstance(value, bool) and
                                                   0 <= value <= MAX_MARKOV):
                    found.append(f"length {name!r}: markov count for {beat!r} must be a whole "
                                 f"number 0 to {MAX_MARKOV}")
    return found


def load_arc(path, *, data=None):
    """Read and validate an arc file (``data``: its bytes, if already read)."""
    path = str(path)
    try:
        text = (Path(path).read_bytes() if data is None else data).decode("utf-8-sig")
    except FileNotFoundError:
        raise ArcError("no such arc file", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ArcError(f"cannot read arc file: {exc}", path=path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArcError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno,
                       column=exc.colno) from None
    if not isinstance(data, dict) or not isinstance(data.get("beats"), list):
        raise ArcError("an arc file is an object with a list of 'beats'", path=path)
    cast = data.get("cast", "cast")
    beats = []
    for i, b in enumerate(data["beats"]):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise ArcError(f"beat {i} needs at least a 'name'", path=path)
        extra = set(b) - _BEAT_KEYS
        if extra:
            raise ArcError(f"beat {b['name']!r} has unknown keys: {', '.join(sorted(extra))}",
                           path=path, beat=b["name"])
        markov = b.get("markov", 0)
        if not isinstance(markov, int) or not 0 <= markov <= MAX_MARKOV:
            raise ArcError(f"beat {b['name']!r}: 'markov' must be a whole number 0 to "
                           f"{MAX_MARKOV}",
                           path=path, beat=b["name"])
        at = b.get("markov_at", "anywhere")
        if at not in MARKOV_PLACES:
            raise ArcError(f"beat {b['name']!r}: 'markov_at' is one of "
                           f"{', '.join(MARKOV_PLACES)}", path=path, beat=b["name"])
        beats.append(Beat(b["name"], str(b.get("purpose", "")), str(b.get("entry") or b["name"]),
                          markov, at))
    names = [b.name for b in beats]
    if not beats or len(set(names)) != len(names):
        raise ArcError("the arc needs at least one beat, each with a unique name", path=path)
    arc = Arc(beats=tuple(beats), cast=cast, path=path)
    lengths = data.get("lengths", {})
    problems = length_problems(arc, lengths)
    if problems:
        raise ArcError(problems[0], path=path)
    title = data.get("title", DEFAULT_TITLE)
    if not isinstance(title, str):
        raise ArcError("'title' must be a string", path=path)
    return replace(arc, lengths=lengths, title_template=title,
                   motifs=_motifs(data.get("motifs", []), names, path))


def _motifs(data, names, path):
    if not isinstance(data, list):
        raise ArcError("'motifs' is a list of {name, words, from, until, once, told, said_in, "
                       "once_in} objects", path=path)
    motifs = []
    for i, m in enumerate(data):
        if not (isinstance(m, dict) and isinstance(m.get("name"), str)
                and isinstance(m.get("words"), list)
                and all(isinstance(w, str) for w in m["words"])):
            raise ArcError(f"motif {i} needs a 'name' and a list of 'words'", path=path)
        extra = set(m) - {"name", "words", "from", "until", "once", "told", "said_in",
                          "once_in"}
        if extra:
            raise ArcError(f"motif {m['name']!r} has unknown keys: {', '.join(sorted(extra))}",
                           path=path)
        for end in ("from", "until", "said_in", "once_in"):
            if m.get(end) is not None and m[end] not in names:
                raise ArcError(f"motif {m['name']!r}: {end!r} names beat {m[end]!r}, which the "
                               f"arc does not have{did_you_mean(m[end], names)}", path=path)
        for flag in ("once", "told"):
            if not isinstance(m.get(flag, False), bool):
                raise ArcError(f"motif {m['name']!r}: {flag!r} is true or false", path=path)
        motifs.append(Motif(m["name"], tuple(w.lower() for w in m["words"]), m.get("from"),
                            m.get("until"), m.get("once", False), m.get("told", False),
                            m.get("said_in"), m.get("once_in")))
    return tuple(motifs)


ARC_OVERLAY_KEYS = ("cast", "entries", "entry_suffix", "lengths", "markov", "title")


def arc_overlay_problems(arc, overlay):
    """Everything wrong with an overlay's ``"$arc"`` section, as ``(beat, message)`` pairs."""
    found = []
    for key in overlay:
        if key not in ARC_OVERLAY_KEYS:
            hint = did_you_mean(key, ARC_OVERLAY_KEYS)
            found.append((None, f"'$arc' has unknown key {key!r}{hint} "
                                f"(known: {', '.join(ARC_OVERLAY_KEYS)})"))
    names = arc.names
    for section in ("entries", "markov"):
        value = overlay.get(section, {})
        if not isinstance(value, dict):
            found.append((None, f"'$arc' {section!r} must map beat names to "
                                + ("symbol names" if section == "entries" else "counts")))
            continue
        for beat, target in value.items():
            if beat not in names:
                what = "an entry symbol" if section == "entries" else "a Markov count"
                found.append((beat, f"'$arc' gives {what} for beat {beat!r}, which the arc "
                                    f"does not have{did_you_mean(beat, names)}"))
            elif section == "entries" and not (isinstance(target, str) and target):
                found.append((beat, f"'$arc' entry for beat {beat!r} must be a symbol name"))
            elif section == "markov" and not (isinstance(target, int) and
                                               not isinstance(target, bool) and
                                               0 <= target <= MAX_MARKOV):
                found.append((beat, f"'$arc' markov count for beat {beat!r} must be a whole "
                                    f"number 0 to {MAX_MARKOV}"))
    if "lengths" in overlay:
        found.extend((None, f"'$arc' {m}") for m in length_problems(arc, overlay["lengths"]))
    for key in ("entry_suffix", "cast", "title"):
        if key in overlay and not (isinstance(overlay[key], str) and overlay[key]):
            found.append((None, f"'$arc' {key!r} must be a non-empty string"))
    return found


def apply_arc_overlay(arc, overlay, *, path="<overlay>"):
    """Apply a grammar overlay's ``"$arc"`` section: re-point entries, keep the beats.

    ``{"entries": {"omen": "myOmen"}}`` re-points single beats; ``{"entry_suffix": "Noir"}``
    re-points every beat not in ``entries`` to ``<name>Noir``; ``{"cast": "myCast"}`` swaps the cast
    symbol; ``{"markov": {"omen": 0}}`` changes how many Markov sentences a beat gets;
    ``{"lengths": {"micro": {...}}}`` replaces a length's beats and short forms, and
    ``{"title": "..."}`` the title template.
    Raises :class:`ArcError` for the first problem :func:`arc_overlay_problems` finds.
    """
    problems = arc_overlay_problems(arc, overlay)
    if problems:
        beat, message = problems[0]
        raise ArcError(message, path=path, beat=beat)
    entries = overlay.get("entries") or {}
    markov = overlay.get("markov") or {}
    suffix = overlay.get("entry_suffix")
    beats = tuple(replace(b, markov=markov.get(b.name, b.markov),
                          entry=entries.get(b.name) or (b.name + suffix if suffix else b.entry))
                  for b in arc.beats)
    return Arc(beats=beats, cast=overlay.get("cast", arc.cast), path=arc.path,
               lengths={**arc.lengths, **overlay.get("lengths", {})},
               title_template=overlay.get("title", arc.title_template), motifs=arc.motifs)
