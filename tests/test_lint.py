"""dreamgen check: one broken-grammar file per check, each with its exact message."""

import json

import pytest

from dreamgen.grammar.load import check_files, load_grammar
from dreamgen.errors import GrammarError

from conftest import FIXTURES, ROOT, unremembered

BROKEN = FIXTURES / "broken"

# file -> the exact problem lines (path left out) that `dreamgen check FILE` prints.
EXPECTED = {
    "invalid_json.json": ["2:28: invalid JSON: Expecting value"],
    "invalid_yaml.yaml": ["2:7: invalid YAML: expected ',' or ']', but got ':'"],
    "symbol_not_a_list.json": [
        "2:3: symbol 'fallers' is a number; a rule must be a string or a list of strings"],
    "rule_not_a_string.json": [
        "2:3: rule 1 of symbol 'fallers' is a number; rules must be strings",
        "2:3: rule 2 of symbol 'fallers' is null; rules must be strings"],
    "yaml_rule_not_a_string.yaml": [
        "3:5: rule 1 of 'fallers' is a YAML bool, not a string (quote it)"],
    "yaml_tag_in_comment.yaml": [
        "2:5: 'the' (rule 0 of 'fallers') starts with 'the', but rule 0 of 'fallA' puts 'a' "
        "before #fallen.a#: \"a the\"; write the entry without 'the'",
        "2:9: '#colour#' after a space starts a YAML comment, so the rule is cut short at "
        "'the'; put the rule in quotes"],
    "empty_rule_list.json": [
        "2:3: symbol 'fallers' has an empty list of rules; give it at least one rule"],
    "bad_symbol_name.json": [
        "2:3: warning: bad symbol name 'fall.ers': names cannot contain '.', '#', '[' or ']' or "
        "start or end with spaces; rename it"],
    "duplicate_key.json": ["3:3: duplicate key 'fallers' in one file"],
    "unknown_symbol.json": [
        "2:25: unknown symbol 'materail' in rule 0 of 'fallers'; did you mean 'material'?"],
    "unknown_modifier.json": [
        "2:25: unknown modifier '.capitalise' in rule 0 of 'fallers'; did you mean "
        "'.capitalize'?"],
    "unclosed_hash.json": [
        "2:22: unclosed '#' in rule 0 of 'fallers': this tag has no closing '#'"],
    "unclosed_bracket.json": [
        "2:22: unclosed '[' in rule 0 of 'fallers': this action has no closing ']'"],
    "stray_bracket.json": ["2:26: unbalanced ']' in rule 0 of 'fallers': it closes no '['"],
    "empty_tag.json": ["2:27: empty tag '##' in rule 0 of 'fallers'"],
    "popped_never_pushed.json": [
        "2:22: [mood:POP] in rule 0 of '+omen' pops 'mood', which nothing ever pushes"],
    "popped_too_often.json": [
        "2:13: 'mood' is popped more often than it is pushed in rule 0 of '+omen', and no "
        "other rule pushes it"],
    "pushed_never_popped.json": [
        "2:13: warning: variable 'mood' is pushed in rule 0 of '+omen' and never read or "
        "popped"],
    "never_finishes.json": [
        "3:3: symbol 'echo' can never finish expanding: every rule of it recurses without end"],
    "adds_to_nothing.json": [
        "2:3: warning: '+fallrs' adds to a symbol that is not defined before it; did you mean "
        "'+fallers'?",
        "2:3: warning: symbol 'fallrs' is never reached from the arc"],
    "beat_without_entry.json": [
        "2:3: beat 'fall' needs its entry symbol 'harpFall', which no grammar file defines"],
    "entry_for_no_beat.json": [
        "3:3: '$arc' gives an entry symbol for beat 'fal', which the arc does not have; did "
        "you mean 'fall'?",
        "2:3: warning: symbol 'harpFall' is never reached from the arc"],
    "arc_unknown_key.json": [
        "2:3: '$arc' has unknown key 'entrys'; did you mean 'entries'? (known: cast, entries, "
        "entry_suffix, lengths, markov, title)"],
    "unreachable.json": ["2:3: warning: symbol 'harpSounds' is never reached from the arc"],
}


def test_every_broken_fixture_has_its_expected_messages():
    names = {p.name for p in BROKEN.iterdir()}
    assert names == set(EXPECTED) | {"suffix_entry_for_no_beat.json"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_grammar_gives_its_exact_messages(name):
    path = BROKEN / name
    report = check_files([path], user_overlays=False)
    assert [str(p) for p in report.problems] == [f"{path}:{line}" for line in EXPECTED[name]]


# Overlays whose problems come from checking them against the built-in layers (a symbol they
# define, reach or add to), and the built-in grammar alone.
AGAINST_BUILT_IN = [(), [ROOT / "examples" / "lantern.json"],
                    *([BROKEN / name] for name in ("unknown_symbol.json", "adds_to_nothing.json",
                                                   "yaml_tag_in_comment.yaml"))]


@pytest.mark.parametrize("paths", AGAINST_BUILT_IN, ids=lambda p: p[0].name if p else "none")
def test_a_remembered_check_finds_what_a_fresh_one_finds(paths):
    with unremembered():
        fresh = check_files(paths, user_overlays=False).to_dict()
    assert check_files(paths, user_overlays=False).to_dict() == fresh
    assert check_files(paths, user_overlays=False).to_dict() == fresh  # all of it remembered


def test_a_stray_suffix_entry_is_named_with_the_beat_it_was_meant_for():
    path = BROKEN / "suffix_entry_for_no_beat.json"
    lines = [str(p) for p in check_files([path], user_overlays=False).problems]
    assert (f"{path}:3:3: symbol 'wakeNoir' is named like an entry symbol (suffix 'Noir'), but "
            "the arc has no beat 'wake'; did you mean 'wakingNoir'?") in lines
    assert (f"{path}:2:3: beat 'waking' needs its entry symbol 'wakingNoir', which no grammar "
            "file defines; did you mean 'wakeNoir'?") in lines
    assert not any("never reached" in line for line in lines)


def test_every_problem_of_a_file_is_reported_not_just_the_first(write):
    path = write("many.json", {"fallers": ["#nope#", "#material.nope#", "x ]"],
                               "scents": 5, "loop": "#loop#"})
    report = check_files([path], user_overlays=False)
    # 'loop' never ends, but nothing reaches it: a warning, as are the unreached ones.
    assert len(report.errors) == 4
    assert report.summary().startswith("4 errors with 2 warnings: ")


def test_built_in_grammar_is_clean_and_summarised():
    report = check_files(user_overlays=False)
    assert report.problems == ()
    assert report.beats == 15 and report.symbols > 80
    assert "fallers" in report.lexicons and "omen" not in report.lexicons
    summary = report.summary()
    assert summary.startswith(f"ok: {report.symbols} symbols, 15 beats, "
                              f"{len(report.lexicons)} lexicons of ")


def test_warnings_about_built_in_symbols_an_overlay_orphans_are_not_shown(write):
    # Replacing the fall beat leaves built-in lexicons unused; that is the overlay's intent.
    path = write("fall.json", {"fall": ["You watch the #fallen# fall."]})
    assert check_files([path], user_overlays=False).problems == ()


def test_standalone_tracery_grammar_checks_from_origin(write):
    path = write("story.json", {"origin": ["[hero:#name#]#hero# sets out. #hero# returns."],
                                "name": ["Arjun", "Yuuma"], "unused": ["x"]})
    report = check_files([path], standalone=True)
    assert [p.message for p in report.problems] == [
        "symbol 'unused' is never reached from 'origin'"]
    assert str(report.problems[0]).endswith(": warning: symbol 'unused' is never reached from "
                                            "'origin'")
    assert report.beats is None and report.summary().startswith("ok with 1 warning: 3 symbols, ")


def test_a_standalone_grammar_checked_as_an_overlay_gets_a_hint(write):
    path = write("story.json", {"origin": ["#name# sets out."], "name": ["Arjun"]})
    messages = [p.message for p in check_files([path], user_overlays=False).problems]
    assert ("symbol 'origin' is never reached from the arc (a standalone Tracery grammar? "
            "check it with --standalone)") in messages


def test_arc_overlay_is_refused_in_a_standalone_check():
    path = BROKEN / "beat_without_entry.json"
    assert [p.message for p in check_files([path], standalone=True).errors] == [
        "'$arc' re-points the beats of dreamgen's arc, which a standalone grammar does not "
        "have; check it without --standalone"]


def test_json_escapes_before_a_tag_keep_its_column_exact(write):
    path = write("esc.json", '{"fallers": ["caf\\u00e9 \\"harp\\" #nme#"]}')
    (problem,) = check_files([path], user_overlays=False).errors
    assert (problem.line, problem.column) == (1, 35)
    assert path.read_text()[problem.column - 1:problem.column + 2] == "nme"


def test_yaml_columns_point_into_quoted_and_plain_rules(write):
    path = write("g.yaml", 'fallers:\n  - "x #nme#"\n  - \'b #nme#\'\n  - c\n')
    cols = [(p.line, p.column) for p in check_files([path], user_overlays=False).errors]
    assert cols == [(2, 9), (3, 9)]


def test_generate_runs_the_same_checks_and_names_the_first_error():
    with pytest.raises(GrammarError) as info:
        load_grammar([BROKEN / "beat_without_entry.json"], user_overlays=False)
    assert str(info.value) == (f"{BROKEN / 'beat_without_entry.json'}:2:3: beat 'fall' needs "
                               "its entry symbol 'harpFall', which no grammar file defines")


def test_generate_counts_the_errors_it_does_not_show(write):
    path = write("two.json", {"fallers": ["#nope#", "#nada#"]})
    with pytest.raises(GrammarError, match=r"\(and 1 more; run 'dreamgen check .*two.json'\)$"):
        load_grammar([path], user_overlays=False)


def test_report_json_has_counts_and_every_problem():
    record = check_files([BROKEN / "adds_to_nothing.json"], user_overlays=False).to_dict()
    assert json.loads(json.dumps(record)) == record
    # '+fallrs' is never reached, so its problem is a warning, not an error.
    assert (record["ok"], record["errors"], record["warnings"]) == (True, 0, 2)
    assert [p["severity"] for p in record["problems"]] == ["warning", "warning"]
    assert record["problems"][0]["line"] == 2 and record["problems"][0]["symbol"] == "fallrs"


# -- the quality floor: a dream's wording ------------------------------------------------

def _lines(write, name, overlay):
    """``check`` of a one-line JSON overlay: each problem as printed, the path left out."""
    path = write(name, json.dumps(overlay))
    return [str(p).replace(f"{path}:", "", 1)
            for p in check_files([path], user_overlays=False).problems]


NO_YOU = ("never says 'you', so beat 'fall' can be written without speaking to you; every beat "
          "after the invocation does")


def test_a_first_person_beat_that_never_says_you_is_refused(write):
    assert _lines(write, "fall.json", {"fall": ["I watch the #fallen# fall and we weep."]}) == [
        "1:11: rule 0 of 'fall' says 'I'; a dream speaks to you, never in the first person",
        f"1:11: rule 0 of 'fall' {NO_YOU}"]


def test_generate_refuses_the_overlay_with_the_same_message(write):
    path = write("fall.json", json.dumps({"fall": ["I watch the #fallen# fall and we weep."]}))
    with pytest.raises(GrammarError) as info:
        load_grammar([path], user_overlays=False)
    assert str(info.value) == (f"{path}:1:11: rule 0 of 'fall' says 'I'; a dream speaks to you, "
                               f"never in the first person (and 1 more; run 'dreamgen check "
                               f"{path}')")


def test_you_may_come_from_a_symbol_or_a_word_list_the_beat_uses(write):
    assert _lines(write, "via.json", {"fall": ["#myFall#"],
                                      "myFall": ["The #fallen# drops #where#."],
                                      "where": ["beside you", "behind you"]}) == []


def test_a_sentence_without_you_is_fine_when_the_beat_has_one_that_says_it(write):
    # fall is "#fallA# #fallB#" or "#fallA#", and every fallA says "you".
    assert _lines(write, "b.json", {"+fallB": ["It drops."]}) == []
    assert _lines(write, "a.json", {"+fallA": ["It drops."]}) == [
        f"1:13: rule 0 of '+fallA' {NO_YOU}"]


def test_short_forms_speak_to_you_and_the_invocation_need_not(write):
    assert _lines(write, "micro.json", {"fallMicro": ["The #fallen# falls."]}) == [
        f"1:16: rule 0 of 'fallMicro' {NO_YOU}"]
    assert _lines(write, "inv.json", {"invocation": ["I dream. You dream."]}) == []


def test_an_unknown_symbol_is_not_also_said_to_leave_out_you(write):
    assert _lines(write, "u.json", {"omen": ["#nosuchsymbol#"]}) == [
        "1:13: unknown symbol 'nosuchsymbol' in rule 0 of 'omen'"]


def test_a_plain_tracery_grammar_may_speak_in_the_first_person(write):
    path = write("story.json", {"origin": ["I set out, and we return."]})
    assert check_files([path], standalone=True).problems == ()


def test_a_witness_with_its_own_article_and_first_person_is_refused(write):
    assert _lines(write, "w.json", {"witnessKinds": ["my grandmother's sisters"]}) == [
        "1:19: rule 0 of 'witnessKinds' says 'my'; a dream speaks to you, never in the first "
        "person",
        "1:19: \"my grandmother's sisters\" (rule 0 of 'witnessKinds') starts with 'my', but rule "
        "6 of 'omenB' puts 'The' before #witnesses#: \"The my grandmother's sisters\"; write the "
        "entry without 'my'"]


def test_an_entry_with_an_article_given_another_by_a_modifier_or_a_push_is_refused(write):
    assert _lines(write, "a.json", {"+fallers": ["the glass harp"]}) == [
        "1:15: 'the glass harp' (rule 0 of '+fallers') starts with 'the', but rule 0 of 'fallA' "
        "puts 'a' before #fallen.a#: \"a the glass harp\"; write the entry without 'the'"]
    assert _lines(write, "p.json", {"+cast": ["[witnesses:the sisters]"]}) == [
        "1:12: 'the sisters' (rule 0 of '+cast') starts with 'the', but rule 6 of 'omenB' puts "
        "'The' before #witnesses#: \"The the sisters\"; write the entry without 'the'"]


def test_an_entry_that_repeats_its_neighbour_is_refused(write):
    overlay = {"+omen": ["You watch the #shine# glow, nearest, #shine#."],
               "shine": ["silver glow", "nearest", "nearest star"]}
    # "nearest, nearest star" is left alone: across a comma only a whole entry is a repeat.
    assert _lines(write, "r.json", overlay) == [
        "1:80: 'silver glow' (rule 0 of 'shine') ends with 'glow', and rule 0 of '+omen' says "
        "'glow' right after #shine#: \"silver glow glow\"",
        "1:87: 'nearest' (rule 1 of 'shine') starts with 'nearest', and rule 0 of '+omen' says "
        "'nearest' right before #shine#: \"nearest, nearest\""]


def test_the_wording_checks_point_at_the_entry_in_yaml_too(write):
    path = write("g.yaml", '+fallers:\n  - "glass harp"\n  - "the glass harp"\n')
    (problem,) = check_files([path], user_overlays=False).errors
    assert (problem.line, problem.column) == (3, 5)
