"""The beat classifier: trained on the tagged corpus, it knows where a held-out sentence goes."""

import pytest

from dreamgen.markov.build import sentences
from dreamgen.markov.classify import BeatClassifier
from dreamgen.markov.novelty import normalise


@pytest.fixture(scope="module")
def split(dreamer):
    """Sentences of the built-in corpus: files with even index to train, odd to test."""
    forms = {}
    train, test = [], []
    for i, doc in enumerate(dreamer.corpus.documents):
        for para in doc.paragraphs:
            if para.beat in (None, "invocation"):
                continue
            for words in sentences(para.text):
                ids = [forms.setdefault(normalise(w), len(forms)) for w in words]
                (train if i % 2 == 0 else test).append((para.beat, ids))
    beats = [b.name for b in dreamer.arc.beats]
    return BeatClassifier.train(beats, train, len(forms)), test


def test_held_out_sentences_are_placed_in_their_own_beat_or_a_neighbour(split, dreamer):
    classifier, test = split
    names = [b.name for b in dreamer.arc.beats]
    exact = near = 0
    for beat, ids in test:
        best, _ = classifier.best(ids)
        exact += best == beat
        near += abs(names.index(best) - names.index(beat)) <= 1
    # Fifteen beats: chance is under 7%. Neighbouring beats share much of their words.
    assert exact / len(test) > 0.5
    assert near / len(test) > 0.75


def test_the_margin_is_negative_for_the_likeliest_beat(split):
    classifier, test = split
    beat, ids = test[0]
    best, lead = classifier.best(ids)
    assert lead >= 0
    assert classifier.margin(ids, best) == pytest.approx(-lead)


def test_unknown_words_change_no_beat_more_than_another():
    c = BeatClassifier.train(["a", "b"], [("a", [0, 1]), ("b", [2])], 3)
    base = c.scores([0])
    with_unknown = c.scores([0, 99])
    assert with_unknown[0] - with_unknown[1] == pytest.approx(
        base[0] - base[1] + c._word(99)[0] - c._word(99)[1])
    assert c.best([0])[0] == "a" and c.best([2])[0] == "b"


def test_a_paragraph_with_a_clear_beat_is_placed_whole_and_else_sentence_by_sentence():
    c = BeatClassifier.train(["a", "b"], [("a", [0, 0, 0, 1]), ("b", [2, 2, 2, 3])], 5)
    assert c.place([[0, 0], [4]]) == ["a", "a"]  # the paragraph's beat carries [4]
    assert c.place([[0, 0, 0], [2, 2, 2]]) == ["a", "b"]  # no lead as a whole
    assert c.place([[0, 2], [2, 0]]) == [None, None]  # nothing leads anywhere
