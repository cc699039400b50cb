"""The one novelty test: a run of eight words from the corpus is caught, however written."""

from hypothesis import given, settings, strategies as st

from dreamgen.markov.novelty import Novelty, normalise

CORPUS = [
    "You kneel on the cracked ice and lean close enough to fog it.".split(),
    "The #witnesses# weep, and their sobs roll across the water to you.".split(),
]


def test_a_copied_run_is_caught_in_any_case_and_punctuation():
    n = Novelty.from_texts(CORPUS)
    assert not n.is_novel("Then you kneel on the cracked ice and lean close, and wait.".split())
    assert not n.is_novel("YOU KNEEL ON THE CRACKED ICE, AND LEAN CLOSE".split())
    assert n.copied("so you kneel on the cracked ice and lean".split()) == \
        "you kneel on the cracked ice and lean".split()


def test_seven_shared_words_are_new():
    n = Novelty.from_texts(CORPUS)
    assert n.is_novel("You kneel on the cracked ice and weep.".split())
    assert n.copied("You kneel on the cracked ice and weep.".split()) is None


def test_tags_count_as_words():
    n = Novelty.from_texts(CORPUS)
    assert not n.is_novel("The #witnesses# weep, and their sobs roll across".split())
    assert n.is_novel("The fishers weep, and their sobs roll across".split())


def test_normal_forms_drop_case_and_edge_punctuation_but_keep_tags():
    assert normalise("Ice,") == "ice"
    assert normalise("#witnesses#.") == "#witnesses#"
    assert normalise("forget-me-nots;") == "forget-me-nots"


WORDS = st.lists(st.sampled_from("you the ice kneel light falls water on and slowly".split()),
                 min_size=0, max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=5), WORDS, st.integers(2, 8))
def test_novelty_is_the_plain_run_test(texts, sentence, k):
    n = Novelty.from_texts(texts, k)
    runs = {tuple(normalise(w) for w in t[i:i + k]) for t in texts
            for i in range(len(t) - k + 1)}
    plain = not any(tuple(normalise(w) for w in sentence[i:i + k]) in runs
                    for i in range(len(sentence) - k + 1))
    # A hash collision could only turn a new sentence down; at these sizes there is none.
    assert n.is_novel(sentence) == plain
