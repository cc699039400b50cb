"""The arc file and an overlay's "$arc" section."""

import json

import pytest

from dreamgen.grammar import LENGTHS, apply_arc_overlay, arc_overlay_problems, load_arc
from dreamgen.errors import ArcError, GrammarError
from dreamgen.grammar.load import load_grammar
from dreamgen.resources import builtin_dir

ARC = load_arc(builtin_dir("grammars") / "arc.json")
ARC_TEXT = (builtin_dir("grammars") / "arc.json").read_text(encoding="utf-8")


def test_entries_repoint_single_beats_and_keep_the_rest():
    arc = apply_arc_overlay(ARC, {"entries": {"fall": "harpFall"}})
    assert arc.names == ARC.names
    assert [b.entry for b in arc.beats if b.entry != b.name] == ["harpFall"]


def test_entry_suffix_swaps_every_beats_wording_but_not_the_beats():
    arc = apply_arc_overlay(ARC, {"entry_suffix": "Noir", "entries": {"invocation": "invocation"},
                                  "markov": {"omen": 0}, "cast": "noirCast"})
    assert arc.names == ARC.names
    assert arc.beats[0].entry == "invocation"
    assert all(b.entry == b.name + "Noir" for b in arc.beats[1:])
    assert arc.beats[2].markov == 0 and arc.cast == "noirCast"


def test_every_beat_but_the_invocation_speaks_to_you_at_every_length():
    voiced = ARC.voiced()
    assert [b for b, _ in voiced[:14]] == list(ARC.names[1:])
    assert ("fall", "fallMicro") in voiced and ("grief", "griefA") in voiced
    assert not any(b == "invocation" for b, _ in voiced)
    assert len(set(voiced)) == len(voiced)


@pytest.mark.parametrize("overlay, message", [
    ({"entrys": {}}, "'$arc' has unknown key 'entrys'; did you mean 'entries'? (known: cast, "
                     "entries, entry_suffix, lengths, markov, title)"),
    ({"entries": {"omne": "x"}}, "'$arc' gives an entry symbol for beat 'omne', which the arc "
                                 "does not have; did you mean 'omen'?"),
    ({"markov": {"omen": 11}}, "'$arc' markov count for beat 'omen' must be a whole number 0 "
                               "to 10"),
    ({"markov": {"omen": True}}, "'$arc' markov count for beat 'omen' must be a whole number 0 "
                                 "to 10"),
    ({"entries": ["omen"]}, "'$arc' 'entries' must map beat names to symbol names"),
    ({"entries": {"omen": 3}}, "'$arc' entry for beat 'omen' must be a symbol name"),
    ({"entry_suffix": ""}, "'$arc' 'entry_suffix' must be a non-empty string"),
])
def test_bad_arc_sections_are_named(overlay, message):
    assert [m for _, m in arc_overlay_problems(ARC, overlay)] == [message]
    with pytest.raises(ArcError) as info:
        apply_arc_overlay(ARC, overlay, path="o.json")
    assert str(info.value) == f"o.json: {message}"


def test_an_arc_overlay_in_a_grammar_file_repoints_generation(write):
    path = write("o.json", {"harpFall": ["You watch the #fallen# fall like a dropped harp."],
                            "$arc": {"entries": {"fall": "harpFall"}}})
    arc, grammar = load_grammar([path], user_overlays=False)
    assert arc.beats[3].entry == "harpFall" and "harpFall" in grammar.rules


def test_a_cast_overlay_that_is_undefined_is_reported(write):
    path = write("o.json", {"$arc": {"cast": "harpCast"}})
    with pytest.raises(GrammarError) as info:
        load_grammar([path], user_overlays=False)
    assert str(info.value) == f"{path}:2:3: the cast symbol 'harpCast' is not defined"


SPINE = ("fall", "wound", "touch", "renewal", "waking")


@pytest.mark.parametrize("length", LENGTHS)
def test_every_length_keeps_the_spine_of_the_arc_in_order(length):
    beats, paragraphs = ARC.at_length(length)
    names = [b.name for b in beats]
    assert [n for n in names if n in SPINE] == list(SPINE)
    assert names == [n for n in ARC.names if n in names]  # arc order
    assert sum(paragraphs) == len(beats) or paragraphs == ()


def test_micro_is_one_paragraph_of_short_forms_with_no_markov():
    beats, paragraphs = ARC.at_length("micro")
    assert paragraphs == (len(beats),)
    assert all(b.entry == b.name + "Micro" and b.markov == 0 for b in beats)


def test_an_overlay_can_change_what_a_length_keeps():
    spec = {"paragraphs": [["invocation", "fall"], ["waking"]], "markov": {"fall": 1}}
    arc = apply_arc_overlay(ARC, {"lengths": {"micro": spec}})
    beats, paragraphs = arc.at_length("micro")
    assert [(b.name, b.entry, b.markov) for b in beats] == [
        ("invocation", "invocation", 0), ("fall", "fall", 1), ("waking", "waking", 0)]
    assert paragraphs == (2, 1)
    assert arc.at_length("short") == ARC.at_length("short")


@pytest.mark.parametrize("spec, message", [
    ({"paragraphs": [["waking", "fall"]]}, "length 'micro' must keep its beats in arc order"),
    ({"paragraphs": [["fal"]]}, "length 'micro' keeps beat 'fal', which the arc does not have; "
                                "did you mean 'fall'?"),
    ({"paragraphs": [["fall"]], "markov": {"omen": 1}}, "length 'micro' gives 'markov' for "
                                                        "beat 'omen', which it does not keep"),
    ({"paragraphs": []}, "length 'micro' needs 'paragraphs'"),
])
def test_a_bad_length_is_named(spec, message):
    problems = arc_overlay_problems(ARC, {"lengths": {"micro": spec}})
    assert len(problems) == 1 and message in problems[0][1]


def test_an_unknown_length_is_an_arc_error():
    with pytest.raises(ArcError, match="no length 'tiny'"):
        ARC.at_length("tiny")


def test_a_length_entry_that_no_grammar_defines_is_reported(write):
    spec = {"paragraphs": [["fall"]], "entries": {"fall": "harpFallMicro"}}
    path = write("o.json", {"$arc": {"lengths": {"micro": spec}}})
    with pytest.raises(GrammarError, match="length 'micro' writes beat 'fall' with "
                                           "'harpFallMicro', which no grammar file defines"):
        load_grammar([path], user_overlays=False)


def test_the_built_in_scene_is_out_of_doors_until_you_wake():
    # Readers marked "Through the window the horizon glows" in an open field (r9).
    arc = ARC
    for beat in arc.names[:-1]:
        assert {"window", "outside", "room", "ceiling"} <= arc.forbidden(beat), beat
    assert "window" not in arc.forbidden("waking")


def test_the_fall_and_the_collapse_are_told_once():
    once = {m.name: set(m.words) for m in ARC.motifs if m.once}
    assert {"slips", "drops", "plunges"} <= once["letting go"]
    # Kneeling and folding are one collapse: "Some sink to their knees on the stones" after
    # "They fold into the grass" was marked out of place in r38, r39 and r40.
    assert {"knees", "fold", "crumple", "drop"} <= once["collapsing"]
    assert "ear" in once["listening"]


def test_flowers_wait_for_the_dream_and_the_fall_writes_what_brightens_first():
    told = {m.name for m in ARC.motifs if m.told}
    assert "blooming" in told
    assert {b.name: b.markov_at for b in ARC.beats}["fall"] == "opening"


@pytest.mark.parametrize("change, message", [
    ({"markov_at": "end"}, "beat 'omen': 'markov_at' is one of anywhere, opening, closing"),
])
def test_a_bad_markov_place_is_named(write, change, message):
    data = json.loads(ARC_TEXT)
    data["beats"][2].update(change)
    with pytest.raises(ArcError, match=message):
        load_arc(str(write("arc.json", data)))


def test_a_told_motif_is_true_or_false(write):
    data = json.loads(ARC_TEXT)
    data["motifs"][0]["told"] = "yes"
    with pytest.raises(ArcError, match="'told' is true or false"):
        load_arc(str(write("arc.json", data)))


def test_what_a_beat_always_tells_is_said_in_it():
    said_in = {m.name: m.said_in for m in ARC.motifs if m.said_in}
    assert said_in["landing"] == "impact" and said_in["pleading"] == "approach"
    assert said_in["made whole"] == "renewal" and said_in["touching"] == "touch"


def test_a_motif_said_once_in_a_beat_names_a_beat_of_the_arc(write):
    once_in = {m.name: m.once_in for m in ARC.motifs if m.once_in}
    assert once_in["the omen's look"] == "omen" and once_in["guided"] == "approach"
    data = json.loads(ARC_TEXT)
    data["motifs"][0]["once_in"] = "omne"
    with pytest.raises(ArcError, match="'once_in' names beat 'omne'.*did you mean 'omen'"):
        load_arc(str(write("arc.json", data)))


def test_a_motif_said_in_a_beat_the_arc_lacks_is_named(write):
    data = json.loads(ARC_TEXT)
    data["motifs"][0]["said_in"] = "omne"
    with pytest.raises(ArcError, match="'said_in' names beat 'omne'.*did you mean 'omen'"):
        load_arc(str(write("arc.json", data)))
