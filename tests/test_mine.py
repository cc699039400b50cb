"""dreamgen mine: imagery from a user's own text, proposed as an overlay."""

import json

from dreamgen.grammar import read_layer
from dreamgen.grammar.load import check_files
from dreamgen.mine import mine_files, mine_text, to_json, to_sources, to_yaml

from conftest import ROOT

SOURCE = ROOT / "docs" / "source-dream.txt"
LEXICON = json.loads((ROOT / "grammars" / "lexicon.json").read_text(encoding="utf-8"))


def mined(category, finds):
    return {f.text for f in finds if f.category == category}


def test_mining_the_source_dream_finds_entries_of_the_built_in_lexicons():
    finds = mine_files([SOURCE])
    assert {"lilacs", "pine"} <= mined("scents", finds) & set(LEXICON["scents"])
    assert {"crystal", "obsidian", "gold"} <= mined("materials", finds) & set(LEXICON["materials"])
    assert {"rose-gold", "silver"} <= mined("colours", finds) & set(LEXICON["glows"])
    assert "drifting lily pads" in mined("simileNouns", finds) & set(LEXICON["skyShapes"])
    # Some lexicons build phrases from parts; their hand-written entries are in "<name>Set".
    assert "like roiling smoke" in mined("similes", finds) & set(LEXICON["smokeSimilesSet"])
    assert "a shriek of sorrow" in mined("sounds", finds) & set(LEXICON["criesSet"])


def test_every_find_cites_the_line_it_came_from():
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    for f in mine_files([SOURCE]):
        assert f.path == str(SOURCE)
        assert f.text.split()[-1].lower().strip("’'") in lines[f.line - 1].lower(), f


def test_as_if_clauses_and_similes():
    finds = mine_text("The sky hums, as if a choir were waiting. It moves like a slow barge "
                      "on the river, and smells of wet moss.\nLike you said, nothing.")
    assert mined("asIf", finds) == {"as if a choir were waiting"}
    assert mined("similes", finds) == {"like a slow barge on the river"}
    assert mined("simileNouns", finds) == {"slow barge"}
    assert {f.line for f in finds} == {1}


def test_corpus_headers_and_beat_lines_are_not_mined():
    finds = mine_text("title: Gold\ncolour: red and gold\n\n:: omen\nA silver bell.\n")
    assert [(f.text, f.line) for f in finds if f.category == "colours"] == [("silver", 5)]


def test_yaml_proposal_cites_sources_and_loads_as_a_clean_overlay(tmp_path):
    finds = mine_files([SOURCE])
    text = to_yaml(finds)
    assert '  - "lilacs"  # ' + f"{SOURCE}:3" in text.splitlines()
    path = tmp_path / "mined.yaml"
    path.write_text(text, encoding="utf-8")
    layer = read_layer(path)
    assert "pine" in layer.rules["+scents"]
    report = check_files([path], user_overlays=False)
    assert report.errors == ()
    assert [w.symbol for w in report.warnings] == ["similes"]


def test_json_proposal_has_a_sidecar_of_sources():
    finds = mine_files([SOURCE])
    overlay, sources = json.loads(to_json(finds)), json.loads(to_sources(finds))
    assert set(overlay) == set(sources)
    for key, entries in overlay.items():
        assert list(sources[key]) == entries
    assert sources["+scents"]["lilacs"] == [f"{SOURCE}:3"]


def test_a_folder_is_mined_file_by_file(tmp_path):
    (tmp_path / "a.txt").write_text("A scent of tar.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("\nA jade lamp.", encoding="utf-8")
    (tmp_path / "c.bin").write_bytes(b"\xff")
    finds = mine_files([tmp_path])
    assert [(f.text, f.path, f.line) for f in finds] == [
        ("tar", str(tmp_path / "a.txt"), 1), ("jade", str(tmp_path / "sub" / "b.md"), 2),
        ("jade", str(tmp_path / "sub" / "b.md"), 2)]
