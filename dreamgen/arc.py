"""The arc: the beats every dream keeps, read from ``grammars/arc.json``."""

from dataclasses import dataclass, replace

from ._lazy import lazy
from .errors import ArcError

# A warm start takes the arc from the cache and reads no arc file.
json = lazy("json")
Path = lazy("pathlib", "Path")

__all__ = ["Arc", "Beat", "load_arc", "apply_arc_overlay"]

_BEAT_KEYS = {"name", "purpose", "entry", "markov"}


@dataclass(frozen=True)
class Beat:
    """One step of the arc: its name, its purpose, the symbol that writes it, Markov count."""

    name: str
    purpose: str
    entry: str
    markov: int = 0


@dataclass(frozen=True)
class Arc:
    """The ordered beats, plus the symbol that picks a dream's cast before the first beat."""

    beats: tuple
    cast: str
    path: str = "<arc>"

    @property
    def names(self):
        return tuple(b.name for b in self.beats)

    def roots(self):
        return (self.cast, *(b.entry for b in self.beats))


def load_arc(path):
    """Read and validate an arc file."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
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
        if not isinstance(markov, int) or not 0 <= markov <= 10:
            raise ArcError(f"beat {b['name']!r}: 'markov' must be a whole number 0 to 10",
                           path=path, beat=b["name"])
        beats.append(Beat(b["name"], str(b.get("purpose", "")), str(b.get("entry") or b["name"]),
                          markov))
    names = [b.name for b in beats]
    if not beats or len(set(names)) != len(names):
        raise ArcError("the arc needs at least one beat, each with a unique name", path=path)
    return Arc(beats=tuple(beats), cast=cast, path=path)


def apply_arc_overlay(arc, overlay, *, path="<overlay>"):
    """Apply a grammar overlay's ``"$arc"`` section: re-point entries, keep the beats.

    ``{"entries": {"omen": "myOmen"}}`` re-points single beats; ``{"entry_suffix": "Noir"}``
    re-points every beat to ``<name>Noir``; ``{"cast": "myCast"}`` swaps the cast symbol;
    ``{"markov": {"omen": 0}}`` changes how many Markov sentences a beat gets.
    """
    known = {"entries", "entry_suffix", "cast", "markov"}
    extra = set(overlay) - known
    if extra:
        raise ArcError(f"'$arc' has unknown keys: {', '.join(sorted(extra))} "
                       f"(known: {', '.join(sorted(known))})", path=path)
    names = set(arc.names)
    entries = dict(overlay.get("entries") or {})
    markov = dict(overlay.get("markov") or {})
    for beat in list(entries) + list(markov):
        if beat not in names:
            raise ArcError(f"'$arc' names beat {beat!r}, which the arc does not have "
                           f"(beats: {', '.join(arc.names)})", path=path, beat=beat)
    suffix = overlay.get("entry_suffix")
    beats = []
    for b in arc.beats:
        entry = entries.get(b.name) or (b.name + suffix if suffix else b.entry)
        count = markov.get(b.name, b.markov)
        if not isinstance(count, int) or not 0 <= count <= 10:
            raise ArcError(f"'$arc' markov count for {b.name!r} must be 0 to 10", path=path,
                           beat=b.name)
        beats.append(replace(b, entry=str(entry), markov=count))
    return Arc(beats=tuple(beats), cast=str(overlay.get("cast", arc.cast)), path=arc.path)
