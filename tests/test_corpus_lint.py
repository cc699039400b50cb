"""Corpus files checked at FILE:LINE:COL, and the measure of what a file adds to a corpus."""

import json

import pytest

from dreamgen.corpus import read_document
from dreamgen.corpus_lint import (DEFAULT_MIN_SHARE, beat_sentences, check_file, contribution,
                                  typical_beat)
from dreamgen.output.check import render

BEATS = ("invocation threshold omen fall impact grief stillness approach wound touch wish "
         "renewal rekindling communion waking").split()
CAST = {"fallen", "scent", "water", "witnesses"}
KNOWN = CAST | {"melTail", "skyShapes"}
COUNTS = {b: 1_000 for b in BEATS}  # a corpus of 15,000 sentences, 1,000 a beat


def _check(path, counts=COUNTS):
    return check_file(path, known=KNOWN, beats=BEATS, counts=counts, cast=CAST)


def _found(report):
    return [(p.line, p.column, p.severity, p.message) for p in report.problems]


def test_every_problem_is_at_its_line_and_column(write):
    path = write("t.txt", ":: omen\nYou smell the #scnt# and the #witnesses.capitalise# stir.\n"
                          "You hear a voice say \"come\" across the #water#.\n"
                          "Silence falls.\n\n:: fal\nI walk toward the #fallen and my hands "
                          "shake.\n\n:: grief\nWe weep beside the water until the morning "
                          "comes.\n")
    found = _found(_check(path))
    assert found == [
        (2, 15, "error", "unknown tag #scnt#: no grammar symbol or cast variable 'scnt'; did "
                         "you mean 'scent'?"),
        (2, 30, "error", "unknown modifier '.capitalise' in #witnesses.capitalise#; did you "
                         "mean '.capitalize'?"),
        (3, 1, "warning", "left out: quotes or brackets, which the Markov model does not learn "
                          "from (markovify's rule): 'You hear a voice say \"come\" across the "
                          "#water#.'"),
        (4, 1, "warning", "never used: 2 words is too short (at state size 3 the chain joins a "
                          "sentence only after 4 words, and a Markov sentence has 7 or more): "
                          "'Silence falls.'"),
        (6, 4, "error", "unknown beat 'fal'; did you mean 'fall'? (beats: " + ", ".join(BEATS)
         + ")"),
        (7, 1, "note", "first person, read as: 'You walk toward the #fallen and your hands "
                       "shake.'"),
        (7, 19, "error", "unbalanced '#' in a paragraph: this '#' opens no tag that closes (a "
                         "tag is #name#)"),
        (10, 1, "warning", "left out: it says 'We': would 'you' be one person or many?: 'We "
                           "weep beside the water until the morning comes.'"),
    ]


def test_a_tag_like_no_cast_variable_lists_the_cast(write):
    report = _check(write("t.txt", "You smell the #smell# of rain.\n"))
    assert report.problems[0].message.endswith(
        "(the cast: fallen, scent, water, witnesses)")


def test_a_clean_file_is_ok_and_its_last_line_says_what_it_adds(write):
    path = write("ok.txt", ":: omen\n" + "You look up at the #fallen# over the #water#. " * 20)
    report = _check(path)
    assert report.problems == () and not report.errors
    assert report.summary() == (f"ok: {path}: 20 sentences (180 words), on omen, 1.96% of "
                                "that beat's 1,020 sentences; adds enough to count")


def test_a_small_file_is_told_how_many_more_words_would_count(write):
    path = write("small.txt", "You walk along the quiet shore at dusk.\n\n"
                              "You hear the bell of the #fallen# ring.\n")
    report = _check(path)
    assert report.summary() == (
        f"ok: {path}: 2 sentences (16 words), untagged, 0.01% of the corpus's 15,002 "
        "sentences; adds little; a file counts from 1% (one of 1% of the corpus was drawn on in "
        "one dream in four): add about 1,900 words, or tag paragraphs with ':: beat' lines (a "
        "tagged paragraph is measured against its beat: there about 100 words count)")


def test_a_file_that_cannot_be_read_is_one_error(write):
    report = _check(write("bin.txt", b"You\x00 walk"))
    assert [p.severity for p in report.problems] == ["error"] and report.added is None
    assert report.summary().endswith("is not a usable corpus file")


def test_a_file_with_nothing_left_is_an_error_after_the_reasons(write):
    found = _found(_check(write("we.txt", "We walk to the sea together.\n")))
    assert [s for _, _, s, _ in found] == ["warning", "error"]
    assert "no usable sentences in this corpus file" in found[1][3]


def test_the_json_report_holds_each_file_under_corpus(write):
    report = _check(write("ok.txt", "I walk along the quiet shore at dusk.\n"))
    record = json.loads(render(None, "json", corpus=[report]))
    assert record["grammar"] is None
    [one] = record["corpus"]
    assert (one["ok"], one["notes"], one["adds"]["sentences"]) == (True, 1, 1)
    assert one["problems"][0]["severity"] == "note"


# -- the measure -------------------------------------------------------------------------

@pytest.mark.parametrize("text, share, enough", [
    (":: omen\n" + "You look up at the light. " * 10, 10 / 1010, False),
    (":: omen\n" + "You look up at the light. " * 11, 11 / 1011, True),
    ("You look up at the light. " * 152, 152 / 15152, True),
    ("You look up at the light. " * 150, 150 / 15150, False),
])
def test_a_file_counts_from_its_share_of_the_beats_it_writes(write, text, share, enough):
    added = contribution(read_document(write("f.txt", text)), COUNTS, included=False)
    assert added.share == pytest.approx(share) and added.enough is enough
    assert DEFAULT_MIN_SHARE == 0.01
    assert (added.more_words() == 0) is enough


def test_the_measure_leaves_the_file_out_of_a_corpus_that_holds_it(write):
    doc = read_document(write("f.txt", ":: omen\nYou look up.\n\n:: fall\nIt falls.\n"))
    counts = dict(COUNTS, omen=1_001, fall=1_001)
    added = contribution(doc, counts)
    assert (added.sentences, added.others, added.beats) == (2, 2_000, ("omen", "fall"))


def test_beat_sentences_are_the_sentences_each_chain_learned(dreamer):
    counts = beat_sentences(dreamer.models)
    assert set(counts) == set(dreamer.models.chains) and min(counts.values()) > 0
    assert typical_beat({"a": 3, "b": 10, "c": 0, "d": 5}) == 5


# -- the command ---------------------------------------------------------------------------

def test_check_reads_a_corpus_file_instead_of_calling_it_invalid_json(run, write):
    path = write("small.txt", "You walk along the quiet shore at dusk.\n\nYou hear the bell.\n")
    result = run("check", str(path))
    assert result.exit_code == 0 and "invalid JSON" not in result.output
    assert result.stdout.splitlines()[-1].startswith(f"ok: {path}: 2 sentences (12 words)")


@pytest.mark.parametrize("text, strict, code", [
    ("You see the #dragn# fall over the water.\n", False, 1),
    ("We walk to the sea together now.\n\nYou walk to the sea alone tonight.\n", False, 0),
    ("We walk to the sea together now.\n\nYou walk to the sea alone tonight.\n", True, 1),
    ("I walk to the sea alone tonight and forever.\n", True, 0),  # a note is not a warning
])
def test_check_exits_1_on_errors_and_with_strict_on_warnings(run, write, text, strict, code):
    path = write("c.md", text)
    result = run("check", *(["--strict"] if strict else []), str(path))
    assert result.exit_code == code, result.output


def test_check_takes_grammar_and_corpus_files_together(run, write):
    grammar = write("g.json", {"+scents": ["wet slate"]})
    corpus = write("c.txt", "You smell the #scent# of the #fallen# as it burns.\n")
    result = run("check", "--format", "json", str(grammar), str(corpus))
    record = json.loads(result.stdout)
    assert result.exit_code == 0
    assert record["grammar"]["ok"] and record["corpus"][0]["path"] == str(corpus)


def test_at_a_corpus_weight_a_file_counts_by_its_words(write):
    # The user's words start their own walks there, so a file's size is what counts.
    from dreamgen.corpus_lint import DEFAULT_MIN_OWN_WORDS, contribution
    from dreamgen.corpus import read_document

    path = write("small.txt", "You walk along the quiet shore at dusk.\n\n"
                              "You hear the bell of the #fallen# ring.\n")
    doc = read_document(path, beats=("omen", "fall"))
    small = contribution(doc, {"omen": 1000, "fall": 1000}, weight=2)
    assert (small.enough, small.more_words()) == (False, DEFAULT_MIN_OWN_WORDS - 20)
    assert "at --corpus-weight 2 a file counts from 150 words" in small.warning()
    big = write("big.txt", "You walk along the quiet shore at dusk and listen.\n" * 16)
    doc = read_document(big, beats=("omen", "fall"))
    assert contribution(doc, {"omen": 1000, "fall": 1000}, weight=2).enough
    assert not contribution(doc, {"omen": 1000, "fall": 1000}, weight=0).enough
