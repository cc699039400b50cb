import re

import pytest

from dreamgen.corpus import read_corpus, read_document
from dreamgen.errors import CorpusError
from dreamgen.resources import builtin_dir

BEATS = ("invocation threshold omen fall impact grief stillness approach wound touch wish "
         "renewal rekindling communion waking").split()
CAST = "fallen trail colour witnesses garments water scent material flowers glow".split()


@pytest.fixture(scope="module")
def builtin():
    return read_corpus([builtin_dir("corpus")], beats=BEATS)


def test_header_beats_and_line_numbers_are_read(write):
    path = write("v.txt", "title: T\nfallen: moth\n\n:: omen\nYou look up.\nYou wait.\n\n"
                          ":: fall\nIt falls on you.\n")
    doc = read_document(path, beats=BEATS)
    assert doc.title == "T" and ("fallen", "moth") in doc.header
    assert [(p.beat, p.line, p.text) for p in doc.paragraphs] == [
        ("omen", 5, "You look up. You wait."), ("fall", 9, "It falls on you.")]


def test_untagged_text_has_no_beat(write):
    doc = read_document(write("plain.txt", "You dream.\n\nYou wake.\n"), beats=BEATS)
    assert [(p.beat, p.line) for p in doc.paragraphs] == [(None, 1), (None, 3)]


def test_unknown_beat_names_file_and_line(write):
    path = write("v.txt", ":: omen\nYou look.\n\n:: fal\nIt falls.\n")
    with pytest.raises(CorpusError) as err:
        read_document(path, beats=BEATS)
    assert str(err.value).startswith(f"{path}:4:4: unknown beat 'fal'; did you mean 'fall'?")


def test_a_bom_is_accepted(write):
    doc = read_document(write("bom.txt", b"\xef\xbb\xbf:: omen\nYou look.\n"), beats=BEATS)
    assert doc.paragraphs[0].beat == "omen"


def test_builtin_corpus_is_large_enough(builtin):
    words = sum(len(p.text.split()) for p in builtin.paragraphs())
    original = [d for d in builtin.documents if "source" not in d.title]
    assert len(original) >= 30
    assert words >= 20_000


def test_every_builtin_vignette_keeps_the_arc_and_names_its_cast(builtin):
    for doc in builtin.documents:
        beats = [p.beat for p in doc.paragraphs]
        # A beat may run over several paragraphs, but every beat is there, in order.
        assert list(dict.fromkeys(beats)) == BEATS, doc.path
        assert set(CAST) <= {k for k, _ in doc.header}, doc.path


def test_builtin_corpus_speaks_to_you_and_only_through_cast_tags(builtin):
    first_person = re.compile(r"(?<![\w-])(?:I|me|my|mine|we|us|our)(?![\w-])")
    literal_fallers = re.compile(r"\b(?:star|stars|comet|meteor|bell|lantern)\b", re.I)
    for doc in builtin.documents:
        # The invocation is the one first-person sentence, and it is read as "you" too.
        assert [(r.source, r.text) for r in doc.rewrites] == [
            ("I am dreaming.", "You are dreaming.")], doc.path
    for p in builtin.paragraphs():
        if p.beat == "invocation":
            assert p.text == "You are dreaming. You are dreaming.", p.path
            continue
        assert not first_person.search(p.text), (p.path, p.line)
        if "source" not in p.path:  # the user's own dream is kept as written
            assert re.search(r"\byou(r)?\b", p.text, re.I), (p.path, p.line)
        assert not literal_fallers.search(p.text), (p.path, p.line)
        for tag in re.findall(r"#([^#\s]*)#", p.text):
            assert tag.split(".")[0] in CAST, (p.path, p.line, tag)


# -- first person, Markdown, folders ----------------------------------------------------------

def test_first_person_text_is_read_as_you_and_each_sentence_is_recorded(write):
    path = write("n.txt", ":: omen\nThe sky is pale. I look up and\n  my hands shake.\n"
                          "We wait on the shore.\n")
    doc = read_document(path, beats=BEATS)
    assert doc.paragraphs[0].text == "The sky is pale. You look up and your hands shake."
    assert [(r.line, r.column, r.source, r.text) for r in doc.rewrites] == [
        (2, 18, "I look up and my hands shake.", "You look up and your hands shake."),
        (4, 1, "We wait on the shore.", None)]
    assert doc.rewrites[1].reason.startswith("it says 'We'")
    # The words keep their lines: "hands" is still on line 3 of the file.
    para = doc.paragraphs[0]
    assert para.line_at(para.text.index("hands")) == 3


def test_reword_false_keeps_the_text_as_written_and_says_what_reading_would_do(write):
    path = write("n.txt", "I walk.\n\nWe wait.\n")
    doc = read_document(path, reword=False)
    assert [p.text for p in doc.paragraphs] == ["I walk.", "We wait."]
    assert [r.text for r in doc.rewrites] == ["You walk.", None]
    # Read for dreaming, the paragraph whose every sentence is left out is gone.
    assert [p.text for p in read_document(path).paragraphs] == ["You walk."]


def test_a_position_counts_the_line_s_indent(write):
    doc = read_document(write("i.txt", "You walk,\n    and the #fallen# falls.\n"))
    para = doc.paragraphs[0]
    assert para.position(para.text.index("#")) == (2, 13)


def test_unknown_beats_can_be_collected_instead_of_raised(write):
    found = []
    doc = read_document(write("v.txt", ":: grif\nYou weep.\n\n:: omen\nYou look.\n"), beats=BEATS,
                        problems=found)
    assert [(e.line, e.column, e.beat) for e in found] == [(1, 4, "grif")]
    assert "did you mean 'grief'?" in found[0].message and len(doc.paragraphs) == 2


def test_markdown_headings_are_titles_not_prose(write):
    doc = read_document(write("d.md", "# My dreams\n\nYou walk by the #water#.\n## Two\n"
                                      "You wake.\n"))
    assert [p.text for p in doc.paragraphs] == ["You walk by the #water#.", "You wake."]


def test_a_folder_gives_the_same_kinds_of_file_to_the_corpus_and_to_mine(tmp_path):
    from dreamgen.corpus import TEXT_SUFFIXES, corpus_files
    from dreamgen.mine import _files

    for name in ("b.md", "a.txt", "c.rtf", "d.json"):
        (tmp_path / name).write_text("You dream.")
    assert TEXT_SUFFIXES == (".txt", ".md")
    assert corpus_files(tmp_path) == [str(tmp_path / "a.txt"), str(tmp_path / "b.md")]
    assert [f.name for f in _files([tmp_path])] == ["a.txt", "b.md"]
