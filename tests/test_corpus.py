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
