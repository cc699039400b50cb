"""Measure how dreamgen.grammar.tracery runs a folder of public Tracery grammars (not a test).

    PYTHONPATH=. python bench/tracery_compat.py FOLDER [--seeds 200]

FOLDER holds the grammars as FILE.json, and may hold ``sources.tsv`` (file, repository, path,
commit, tab-separated; bench/tracery_grammars.tsv is the README's set) to name each one's source.

For each FILE.json: whether it loads, how many warnings (problems in parts never reached),
how many of the seeds expand, how many of pytracery's own expansions of the same count are
free of its failure marker "((", and on how many of those dreamgen's expander, fed the same
random draws as pytracery's ``random.choice``, gives exactly pytracery's text. Prints the
README's markdown table.
"""

import argparse
import json
import random
import sys
from pathlib import Path

import tracery as pytracery
from tracery.modifiers import base_english

from dreamgen import DreamgenError
from dreamgen.grammar import Expander, tracery


class _PytraceryDraws:
    """The draws pytracery makes: ``random.choice`` on the global source is ``randrange``."""

    @staticmethod
    def index(n):
        return random.randrange(n)


def _same_text(loaded, g, seeds):
    """``(clean, same)``: pytracery's expansions without "((", and how many dreamgen matches."""
    clean = same = 0
    for seed in range(seeds):
        random.seed(seed)
        theirs = g.flatten(f"#{loaded.symbol}#")
        if "((" in theirs:
            continue
        clean += 1
        random.seed(seed)
        try:
            ours = Expander(loaded.grammar, _PytraceryDraws).symbol(loaded.symbol)
        except DreamgenError:
            continue
        same += ours == theirs
    return clean, same


def measure(path, seeds):
    row = {"file": path.name}
    try:
        loaded = tracery.load(path)
    except DreamgenError as err:
        row.update(loads="no", warnings="-", ok="-", note=str(err).split(": ", 1)[-1][:70])
    else:
        ok, note = 0, ""
        for seed in range(seeds):
            try:
                tracery.expand(loaded, seed=seed)
                ok += 1
            except DreamgenError as err:
                note = note or str(err).split(": ", 1)[-1][:70]
        row.update(loads="yes", warnings=len(loaded.warnings), ok=f"{ok}/{seeds}", note=note)
    try:
        g = pytracery.Grammar(json.loads(path.read_text(encoding="utf-8")))
        g.add_modifiers(base_english)
        random.seed(0)
        marked = sum("((" in g.flatten("#origin#") for _ in range(seeds))
        row["pytracery"] = f"{seeds - marked}/{seeds}"
        if row["loads"] == "yes":
            clean, same = _same_text(loaded, g, seeds)
            row["same"] = f"{same}/{clean}"
    except Exception as err:  # pytracery crashes on some inputs; that is what is measured
        row["pytracery"] = f"crash ({type(err).__name__})"
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args(argv)
    listed = args.folder / "sources.tsv"
    sources = {}
    if listed.exists():
        for line in listed.read_text(encoding="utf-8").splitlines():
            name, repo, path, commit = line.split("\t")
            sources[name] = f"{repo} `{path}` at {commit}"
    print("| source | dreamgen loads | warnings | dreamgen expands | pytracery clean "
          "| same text as pytracery | note |")
    print("|---|---|---|---|---|---|---|")
    for path in sorted(args.folder.glob("*.json")):
        r = measure(path, args.seeds)
        print(f"| {sources.get(path.name, path.name)} | {r['loads']} | {r['warnings']} "
              f"| {r['ok']} | {r['pytracery']} | {r.get('same', '-')} | {r['note']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
