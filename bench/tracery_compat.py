"""Measure how dreamgen.grammar.tracery runs a folder of public Tracery grammars (not a test).

    python bench/tracery_compat.py FOLDER [--seeds 200]

For each FILE.json: whether it loads, how many warnings (problems in parts never reached),
how many of the seeds expand, and, for comparison, how many of pytracery's own expansions
of the same count contain its failure marker "((". Prints the README's markdown table.
"""

import argparse
import json
import random
import sys
from pathlib import Path

import tracery as pytracery
from tracery.modifiers import base_english

from dreamgen import DreamgenError
from dreamgen.grammar import tracery


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
    except Exception as err:  # pytracery crashes on some inputs; that is what is measured
        row["pytracery"] = f"crash ({type(err).__name__})"
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args(argv)
    print("| grammar | dreamgen loads | warnings | dreamgen expands | pytracery clean | note |")
    print("|---|---|---|---|---|---|")
    for path in sorted(args.folder.glob("*.json")):
        r = measure(path, args.seeds)
        print(f"| {r['file']} | {r['loads']} | {r['warnings']} | {r['ok']} | {r['pytracery']} "
              f"| {r['note']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
