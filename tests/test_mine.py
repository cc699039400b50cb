"""dreamgen mine: imagery from a user's own text, proposed as an overlay that reaches dreams."""

import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from dreamgen import Dreamer
from dreamgen.grammar import read_layer
from dreamgen.grammar.load import check_files
from dreamgen.mine import (PLACES, Reach, mine_files, mine_text, overlay, plural, reach,
                           singular, to_json, to_sources, to_yaml)

from conftest import ROOT

SOURCE = ROOT / "docs" / "source-dream.txt"
HELD_OUT = ROOT / "tests" / "data" / "mine"
LEXICON = json.loads((ROOT / "grammars" / "lexicon.json").read_text(encoding="utf-8"))


def placed(finds):
    return {(f.symbol, f.text) for f in finds}


# What each text must give, and what it must not: (symbol, entry); "" is "fits no list".
EXPECTED = {
    SOURCE: (
        {("glows", "rose-gold"), ("glows", "silver"), ("glows", "pink"), ("glows", "lavender"),
         ("scents", "lilacs"), ("scents", "pine"), ("cries", "a shriek of sorrow"),
         ("heartbeats", "a thrum of life"), ("materials", "crystal"),
         ("skyShapes", "drifting lily pads"), ("smokeSimiles", "like roiling smoke"),
         ("trailSimiles", "like a comet's tail"), ("hopeSimiles", "like a hidden chorus"),
         ("warmthPaths", "like a vine around your shoulders"),
         ("steadyThings", "a stalwart tree standing unwavering through a gale"),
         ("horizonSimiles", "as if dawn were paused in a state of perpetual anticipation"),
         ("footsteps", "as if you're treading upon whispers"), ("", "like a lone star")},
        {("glows", "lilac"), ("glows", "ash"), ("materials", "obsidian"),
         ("skyShapes", "entire dream"), ("skyShapes", "lone star"), ("skyShapes", "vine")},
    ),
    HELD_OUT / "drowned-library.txt": (
        {("sounds", "the murmur of the current"), ("sounds", "the murmur of the drowned pages"),
         ("cries", "a long wail of grief"), ("scents", "wet paper"), ("scents", "lemon"),
         ("glows", "amber"), ("glows", "gold"), ("glows", "green"), ("materials", "brass"),
         ("materials", "marble"), ("skyShapes", "sleeping dogs"),
         ("smokeSimiles", "like kelp in a tide"), ("pulseSimiles", "like a cricket under a stair"),
         ("warmthPaths", "like ink through blotting paper"), ("", "like tired horses"),
         ("", "like reeds in a slow river")},
        {("glows", "lemon"), ("materials", "amber"), ("materials", "gold"),
         ("skyShapes", "sleeping dog"), ("hopeSimiles", "like reeds in a slow river")},
    ),
    HELD_OUT / "desert-train.txt": (
        {("sounds", "the whistle of the engine"), ("cries", "a scream of disbelief"),
         ("scents", "cardamom"), ("scents", "lemons"), ("glows", "orange"), ("glows", "ochre"),
         ("glows", "crimson"), ("glows", "lime-green"), ("materials", "glass"),
         ("materials", "obsidian"), ("skyShapes", "torn sails"),
         ("horizonSimiles", "as though the sun had decided never to set"),
         ("steadyThings", "a lighthouse in fog"), ("smokeSimiles", "like incense smoke"),
         ("trailSimiles", "like a bridal veil set alight"),
         ("mendSimiles", "like frost retreating from a window"), ("", "like a small sleeping fox")},
        {("glows", "lemon"), ("glows", "obsidian"), ("sounds", "The whistle of the engine"),
         ("smokeSimiles", "like a small sleeping fox")},
    ),
    HELD_OUT / "winter-rooftop.txt": (
        {("sounds", "the bell of the cathedral"), ("sounds", "the hiss of a radiator"),
         ("cries", "a cry of sorrow"), ("scents", "chestnuts"), ("scents", "Turkish coffee"),
         ("glows", "rose"), ("glows", "red"), ("glows", "black"), ("materials", "bronze"),
         ("materials", "glass"), ("skyShapes", "sheep in a pen"),
         ("footsteps", "as if the roofs were made of felt"), ("acheSimiles", "like a bruise"),
         ("fadeSimiles", "like a coal at dawn"),
         ("warmthPaths", "like sun across a kitchen floor"), ("", "like river ice breaking")},
        {("scents", "turkish coffee"), ("skyShapes", "sheeps in a pen"),
         ("sounds", "the bell of the cathedral stop"), ("pulseSimiles", "like a bruise")},
    ),
}


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_each_find_goes_to_the_list_it_fits_on_the_source_dream_and_held_out_texts(path):
    finds = placed(mine_files([path]))
    must, must_not = EXPECTED[path]
    assert must <= finds, must - finds
    assert not must_not & finds, must_not & finds
    assert {s for s, _ in finds} <= set(PLACES) | {""}


def test_held_out_texts_are_texts_of_their_own():
    for path in HELD_OUT.glob("*.txt"):
        assert 150 <= len(path.read_text(encoding="utf-8").split()) <= 300, path


def test_mined_entries_are_in_the_form_of_the_built_in_lists():
    # Source-dream finds that the built-in lists already hold, written the same way.
    finds = placed(mine_files([SOURCE]))
    for symbol, text in [("scents", "lilacs"), ("glows", "rose-gold"),
                         ("materials", "crystal"), ("skyShapes", "drifting lily pads")]:
        assert (symbol, text) in finds and text in LEXICON[symbol]
    for symbol, text in [("smokeSimilesSet", "like roiling smoke"),
                         ("trailSimilesSet", "like a comet's tail"),
                         ("hopeSimiles", "like a hidden chorus"),
                         ("criesSet", "a shriek of sorrow")]:
        assert text in LEXICON[symbol]


def test_a_capital_is_kept_only_for_a_name():
    finds = placed(mine_text(
        "The murmur of the tide gives out. We walk down to Lisbon, where the air smells of "
        "Turkish coffee.\nLike a sleeping dog, the Clouds lie still. The scent of Lisbon."))
    assert {("sounds", "the murmur of the tide"), ("scents", "Turkish coffee"),
            ("skyShapes", "sleeping dogs"), ("scents", "Lisbon")} <= finds


def test_a_word_that_is_a_colour_only_sometimes_is_one_only_where_the_text_says_so():
    def glows(text):
        return {f.text for f in mine_text(text) if f.symbol == "glows"}

    assert glows("The kitchen smelled of lemon, and lemons lay in a bowl.") == set()
    assert glows("Lemon trees grew by the door; the roses had gone over.") == set()
    assert glows("The sky turned lemon light, then a pale rose, then lemon-yellow.") == \
        {"lemon", "rose", "lemon-yellow"}
    assert glows("It burned orange and ochre.") == {"orange", "ochre"}


def test_plurals_and_singulars_follow_what_each_list_says():
    assert [plural(w) for w in ("dog", "sail", "moth", "fox", "sheep", "smoke")] == \
        ["dogs", "sails", "moths", "foxes", "sheep", "smoke"]
    assert [singular(w) for w in ("murmurs", "bells", "sobs", "hiss")] == \
        ["murmur", "bell", "sob", "hiss"]
    finds = placed(mine_text("The murmurs of the reeds fade. Clouds drift like a moth. "
                             "You stand like stalwart trees. We heard the sobs of the crowd."))
    assert {("sounds", "the murmur of the reeds"), ("skyShapes", "moths"),
            ("cries", "the sob of the crowd")} <= finds
    assert not any(s == "steadyThings" for s, _ in finds)  # "you stand like a ...", one thing


def test_a_clause_after_like_is_not_a_simile():
    assert [f for f in mine_text("It feels like the entire dream is watching.")] == []


def test_every_find_cites_the_line_it_came_from():
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    for f in mine_files([SOURCE]):
        assert f.path == str(SOURCE)
        assert singular(f.text.split()[0].lower().replace("'", "’")).rstrip("s") in \
            lines[f.line - 1].lower() or f.text.split()[0] in ("like", "as", "a", "the"), f


def test_a_wrapped_paragraph_is_mined_as_one():
    finds = mine_text("The air\nsmells of\nwet moss, and clouds drift\nlike paper boats.\n")
    assert [(f.symbol, f.text, f.line) for f in finds] == [
        ("scents", "wet moss", 2), ("skyShapes", "paper boats", 4), ("materials", "paper", 4)]


def test_corpus_headers_and_beat_lines_are_not_mined():
    finds = mine_text("title: Gold\ncolour: red and gold\n\n:: omen\nA silver bell.\n")
    assert [(f.text, f.line) for f in finds] == [("silver", 5)]


_PIECES = st.sampled_from(list("abcdefghij ,.\n'#[]LTSC-") + [
    " like a ", " as if ", " smell of ", " the murmur of ", " silver ", " lemon ", " clouds ",
    " swirling ", " The "])


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_any_text_gives_finds_that_an_overlay_can_hold(text):
    lines = len(text.splitlines())
    for f in mine_text(text):
        assert f.symbol in PLACES or f.symbol == ""
        assert f.text.strip() and not set(f.text) & set("#[]")
        assert 1 <= f.line <= lines


# -- the overlay it writes ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def source_reach():
    finds = mine_files([SOURCE])
    return finds, reach(finds, user_overlays=False)


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_the_proposal_passes_check_strict(path, tmp_path):
    out = tmp_path / "mined.yaml"
    out.write_text(to_yaml(mine_files([path])), encoding="utf-8")
    report = check_files([out], user_overlays=False)
    assert report.problems == ()


def test_yaml_proposal_cites_sources_marks_rare_entries_and_lists_the_unplaced(source_reach,
                                                                              tmp_path):
    finds, reaches = source_reach
    text = to_yaml(finds, reaches=reaches)
    lines = text.splitlines()
    assert any(line.startswith('  - "lilacs"  # ' + f"{SOURCE}:3") for line in lines)
    assert f'#   - "like a lone star"  # {SOURCE}:5' in lines
    rare = [r for r in reaches if r.rare]
    assert rare and all(r.why() in text for r in rare)
    path = tmp_path / "mined.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_layer(path).rules == {k: tuple(v) for k, v in overlay(finds).items()}
    assert check_files([path], user_overlays=False).problems == ()


def test_mined_entries_reach_the_dreams_or_are_marked_rare(dreamer, source_reach, tmp_path):
    """Each entry shows in at least one of 20 dreams with the overlay at the default weight,
    or mine marks it rare and says why."""
    finds, reaches = source_reach
    proposed = overlay(finds)
    path = tmp_path / "mined.json"
    path.write_text(json.dumps(proposed), encoding="utf-8")
    mined = Dreamer.load([path], user_overlays=False)
    texts = [mined.dream(seed).text.lower() for seed in range(20)]
    missing = [(r.symbol, r.text) for r in reaches
               if not any(r.text.lower() in t for t in texts)]
    rare = {(r.symbol, r.text) for r in reaches if r.rare}
    assert set(missing) <= rare, set(missing) - rare
    assert len(reaches) == sum(len(v) for v in proposed.values())
    # Not everything is rare: the entries of the lists the beats draw often reach dreams.
    assert {("cries", "a shriek of sorrow"), ("smokeSimiles", "like roiling smoke")} & \
        ({(r.symbol, r.text) for r in reaches} - rare)


def test_rare_entries_say_why_and_a_higher_weight_makes_them_fewer(source_reach):
    finds, reaches = source_reach
    glows = next(r for r in reaches if r.symbol == "glows")
    assert glows.rare and re.fullmatch(
        r"rare: in \d+ of 1000 sample dreams, as the beats draw 'glows' in 100% of dreams and "
        r"your \d+ entries for it share half of those draws at --overlay-weight 1", glows.why())
    heavier = reach(finds, user_overlays=False, overlay_weight=9, samples=300)
    assert sum(r.rare for r in heavier) < sum(r.rare for r in reaches)


def test_json_proposal_has_a_sidecar_of_sources():
    finds = mine_files([SOURCE])
    proposed, sources = json.loads(to_json(finds)), json.loads(to_sources(finds))
    assert set(sources) == set(proposed) | {""}
    for key, entries in proposed.items():
        assert list(sources[key]) == entries
    assert sources["+scents"]["lilacs"] == [f"{SOURCE}:3"]
    assert sources[""]["like a lone star"] == [f"{SOURCE}:5"]


def test_a_folder_is_mined_file_by_file(tmp_path):
    (tmp_path / "a.txt").write_text("A scent of tar.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("\nA jade lamp.", encoding="utf-8")
    (tmp_path / "c.bin").write_bytes(b"\xff")
    finds = mine_files([tmp_path])
    assert [(f.symbol, f.text, f.path, f.line) for f in finds] == [
        ("scents", "tar", str(tmp_path / "a.txt"), 1),
        ("materials", "jade", str(tmp_path / "sub" / "b.md"), 2)]


def test_nothing_to_mine_gives_no_finds_and_no_reach(tmp_path):
    (tmp_path / "plain.txt").write_text("title: x\n\nNothing here at all.\n", encoding="utf-8")
    finds = mine_files([tmp_path / "plain.txt"])
    assert finds == [] and reach(finds) == [] and overlay(finds) == {}


def test_an_entry_of_eight_words_is_rare_because_no_dream_copies_it():
    # Mined from the source dream, which is in the corpus: every sentence that says it shares
    # eight words with the corpus, so a dream always redraws it (0 of 200 dreams show it).
    long_ = Reach("pulseSimiles", "as though the crater itself possesses a broken, laboring "
                  "heartbeat", dreams=222, drawn=566, samples=1000, shared=3)
    short = Reach("pulseSimiles", "like a drum under snow", dreams=222, drawn=566,
                  samples=1000, shared=3)
    assert long_.copies and long_.rare and "8 words in a row" in long_.why()
    assert not short.copies and not short.rare
