"""The command line's short reports: seed notes, warnings, a verified file, the cache.

Each returns the text to show, ending in a newline; the command line decides where it goes.
"""

import os
import time

from ..settings import DEFAULT_LENGTH, DEFAULT_REACH_DREAMS

__all__ = ["MAX_WARNINGS_SHOWN", "cache_cleared", "cache_listing", "mined", "nothing_mined",
           "overlay_note", "resume_complete", "seed_note", "tracery_seed_note", "verified",
           "warnings"]

# generate and expand show this many of the checker's warnings, then only how many more.
MAX_WARNINGS_SHOWN = 5


def warnings(problems, hint, *, shown=MAX_WARNINGS_SHOWN):
    """The first ``shown`` problems, then how many more and ``hint`` (how to see them all)."""
    lines = [f"warning: {p}" if p.severity == "error" else str(p) for p in problems[:shown]]
    if len(problems) > shown:
        more = len(problems) - shown
        lines.append(f"... and {more} more warning{'s' * (more != 1)} ({hint})")
    return "".join(line + "\n" for line in lines)


def overlay_note(folder, paths):
    """That overlays from the config ``folder`` change what dreams say."""
    names = ", ".join(os.path.basename(p) for p in paths)
    return (f"note: using your overlays from {folder}: {names} "
            "(--no-user-grammars leaves them out)\n")


def seed_note(seed, count, length=DEFAULT_LENGTH):
    """The drawn seed, and the command that makes the same dreams again."""
    again = f"dreamgen generate --seed {seed}"
    if count > 1:
        again += f" --count {count}"
    if length != DEFAULT_LENGTH:
        again += f" --length {length}"
    if count == 1:
        return f"seed: {seed}  ({again} gives this dream again)\n"
    return f"seeds: {seed} to {seed + count - 1}  ({again} gives these dreams again)\n"


def tracery_seed_note(file, seed):
    """The drawn seed of ``dreamgen expand FILE``, and how to expand it again."""
    return f"seed: {seed}  (dreamgen expand {file} --seed {seed} gives this again)\n"


def verified(path, done):
    """What :func:`dreamgen.verify.verify` checked in ``path``."""
    return (f"{path}: {done.records:,} records, as this run makes them "
            f"({done.checked:,} made again and compared)\n")


def resume_complete(path):
    """That the run in ``path`` is already whole."""
    return (f"{path}: already complete, nothing to resume (check it with --verify; --force "
            "makes it again)\n")


def nothing_mined(paths):
    """That ``dreamgen mine`` found nothing in ``paths``, so wrote nothing."""
    return (f"nothing found in {', '.join(map(str, paths))}: no colours, scents, sounds, "
            "materials, similes ('like ...') or 'as if' clauses; nothing written\n")


def mined(overlay, unplaced, reaches, path=None, *, each=False):
    """What ``dreamgen mine`` proposed (``overlay``: ``{"+symbol": [entry, ...]}``), how many
    finds fit no list (``unplaced``), and which entries are rare in dreams (``reaches``, as
    :func:`dreamgen.mine.reach` gives them); ``each`` lists every rare one with why."""
    entries = sum(len(v) for v in overlay.values())
    lines = [f"{entries} {_entries(entries)} for {len(overlay)} built-in "
             f"list{'s' * (len(overlay) != 1)}"
             + (f" written to {path}" if path else "")
             + (f"; {unplaced} more found but fit no list (see the comments)" if unplaced
                else "")]
    rare = [r for r in reaches if r.rare]
    if rare:
        weight = rare[0].overlay_weight
        lines.append(f"note: {len(rare)} of them may be missing from a run of "
                     f"{DEFAULT_REACH_DREAMS} dreams at --overlay-weight {weight:g}"
                     f"{'' if each else ' (marked rare)'}; a higher --overlay-weight or fewer "
                     "entries in a list shows each one more")
        if each:
            lines += [f"  +{r.symbol} {r.text!r}: {r.why()}" for r in rare]
    return "".join(line + "\n" for line in lines)


def tagged(result, path):
    """What ``dreamgen tag`` did: sentences per beat, the cast words it tagged."""
    beats = {}
    for beat, sents in result.beats:
        beats[beat] = beats.get(beat, 0) + len(sents)
    placed = ", ".join(f"{b} {n}" for b, n in beats.items() if b != "*")
    loose = beats.get("*", 0)
    cast = ", ".join(f"#{v}# ({w})" for v, w in result.cast.items()) or "none"
    where = f" to {path}" if path else ""
    lines = [f"tagged{where}: sentences by beat: {placed or 'none'}"]
    if loose:
        lines.append(f"  {loose} sentence(s) fit no beat (':: *'): they teach only the whole "
                     "corpus's figures; give them a beat to use them")
    lines.append(f"  cast words tagged: {cast}")
    return "\n".join(lines) + "\n"


def _entries(n):
    return f"entr{'y' if n == 1 else 'ies'}"


def cache_listing(folder, entries):
    """The cache ``folder``, its size, and each entry (least recently used first)."""
    total = sum(e.size for e in entries)
    lines = [f"path     {folder}", f"size     {total / 1e6:.1f} MB in {len(entries)} "
                                    f"{_entries(len(entries))}"]
    for e in entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.used))
        lines.append(f"  {e.name:<44} {e.size / 1e6:6.1f} MB  used {when}")
    return "".join(line + "\n" for line in lines)


def cache_cleared(folder, removed):
    """What emptying the cache ``folder`` removed."""
    return (f"removed {len(removed)} {_entries(len(removed))} "
            f"({sum(e.size for e in removed) / 1e6:.1f} MB) from {folder}\n")
