"""dreamgen tag: untagged prose becomes corpus text a user can review and use."""

import pytest

from conftest import HARBOUR
from dreamgen.corpus import ANY_BEAT, read_corpus, read_document
from dreamgen.tag import cast_words, tag_document


@pytest.fixture(scope="module")
def tagged(dreamer):
    return tag_document(read_document(HARBOUR), dreamer.models, dreamer.grammar, dreamer.arc)


def test_every_sentence_is_kept_under_a_beat_of_the_arc(tagged, dreamer):
    from dreamgen.text import split_sentences

    names = set(dreamer.arc.names) | {ANY_BEAT}
    assert {b for b, _ in tagged.beats} <= names
    original = [s for p in read_document(HARBOUR).paragraphs for s in split_sentences(p.text)]
    assert sum(len(s) for _, s in tagged.beats) == len(original)
    # Most of a dream's prose has a clear beat; the fall comes before the wound.
    placed = [b for b, s in tagged.beats for _ in s if b != ANY_BEAT]
    assert len(placed) >= 0.8 * len(original)
    order = [dreamer.arc.names.index(b) for b in placed]
    assert order.index(dreamer.arc.names.index("fall")) < \
        order.index(dreamer.arc.names.index("wound"))


def test_cast_words_become_tags_and_the_header_names_them(tagged):
    assert "The #witnesses# come down from the net sheds" in tagged.text
    assert tagged.cast["witnesses"]
    # A noun inside a longer noun phrase stays a word: the harbour wall is not the water.
    assert "the harbour wall" in tagged.text
    head = tagged.text.split("\n\n")[0].splitlines()
    assert head[0].startswith("title: ") and f"witnesses: {tagged.cast['witnesses']}" in head


def test_the_tagged_text_reads_back_as_a_corpus_file(tagged, dreamer, tmp_path):
    from dreamgen.compose import _check_corpus_tags

    out = tmp_path / "harbour.tagged.txt"
    out.write_text(tagged.text, encoding="utf-8")
    corpus = read_corpus([out], beats=dreamer.arc.names)
    _check_corpus_tags(corpus, dreamer.grammar)
    beats = [p.beat for p in corpus.documents[0].paragraphs]
    assert None in beats  # ":: *" is untagged text
    assert [b or ANY_BEAT for b in beats] == [b for b, _ in tagged.beats]


def test_cast_words_are_the_cast_lexicons_longest_first(dreamer):
    words = cast_words(dreamer.grammar, dreamer.arc)
    assert len(words) > 100
    assert [len(p) for p, _ in words] == sorted((len(p) for p, _ in words), reverse=True)
    assert {v for _, v in words} >= {"fallen", "witnesses", "water", "flowers"}


def test_the_command_writes_out_atomically_and_says_what_it_did(run, tmp_path):
    out = tmp_path / "t.txt"
    result = run("tag", str(HARBOUR), "--out", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("title: ")
    assert "sentences by beat:" in result.stderr and "cast words tagged:" in result.stderr
    again = run("tag", str(HARBOUR), "--out", str(out))
    assert again.exit_code != 0 and "--force" in again.output
