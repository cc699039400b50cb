"""The worked example of docs/grammar.md: an overlay that turns the falling star into a lantern."""

import pytest

from dreamgen import Dreamer
from dreamgen.checks import dream_problems
from dreamgen.grammar.load import check_files

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "lantern.json"
SEEDS = range(40)


@pytest.fixture(scope="module")
def lantern():
    return Dreamer.load(grammars=[EXAMPLE], user_overlays=False)


def test_example_overlay_checks_clean():
    assert check_files([EXAMPLE], user_overlays=False).problems == ()


def test_example_keeps_the_arc_and_the_quality_floor(lantern, dreamer):
    assert lantern.arc.names == dreamer.arc.names
    for seed in SEEDS:
        d = lantern.dream(seed)
        assert dream_problems(d, dreamer.arc.names) == [], seed


def test_example_changes_what_dreams_contain(lantern):
    fallers = set(lantern.grammar.rules["fallers"])
    for seed in SEEDS:
        d = lantern.dream(seed)
        assert d.cast["fallen"] in fallers and "lantern" in d.text
        fall = d.beats[3].text
        assert any(mark in fall for mark in ("Its candle gutters", "its ribs of",
                                             "rides the night")), seed


def test_author_guide_lists_every_symbol_each_beat_uses(dreamer):
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    import update_readme

    guide = (ROOT / "docs" / "grammar.md").read_text(encoding="utf-8")
    table = guide.split("<!-- beat-symbols -->")[1].split("<!-- /beat-symbols -->")[0]
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[3]
            for line in table.splitlines() if line.startswith("| `")}
    assert list(rows) == list(dreamer.arc.names)
    for beat in dreamer.arc.beats:
        listed = {w.strip("` ") for w in rows[beat.name].split(",") if "`" in w}
        assert listed == set(update_readme.beat_symbols(dreamer.grammar, beat)), (
            f"{beat.name}: run python docs/update_readme.py")
