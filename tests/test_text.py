"""The shared text rules: sentence spans and first-person text turned to the second person."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dreamgen.text import (FIRST_PERSON, YOU, said_twice, second_person, sentence_spans,
                          split_sentences)

_WORDS = ["I", "me", "my", "mine", "myself", "My", "Me", "Mine", "I'm", "I’ve", "I'd", "I'll",
          "am", "was", "wasn't", "Was", "Am", "still", "too,", "we", "We", "us", "our", "ours",
          "the", "a", "old", "of", "is", "and", "walk", "hands", "cold,", "sea.", "light",
          "forget-me-nots", "US", "mined", "amble", "Imagine", "river", "were", "dark"]
_YOU_WORDS = ["You", "you", "your", "yours", "yourself", "walk", "the", "sea", "light,",
              "hands", "and", "cold", "were", "are", "forget-me-nots", "US", "mined", "dark."]

sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14).map(" ".join)
second_person_text = st.lists(st.sampled_from(_YOU_WORDS), min_size=1, max_size=14).map(" ".join)


@given(sentences)
def test_a_reworded_sentence_never_says_a_first_person_word(sentence):
    text, why = second_person(sentence)
    if text is None:
        assert why
    else:
        assert why is None and FIRST_PERSON.search(text) is None


@given(second_person_text)
def test_second_person_text_comes_back_unchanged(sentence):
    assert second_person(sentence) == (sentence, None)


@given(sentences)
def test_rewording_twice_changes_nothing_more(sentence):
    text, _ = second_person(sentence)
    if text is not None:
        assert second_person(text) == (text, None)


@given(sentences)
def test_a_reworded_sentence_keeps_every_other_word(sentence):
    text, _ = second_person(sentence)
    if text is not None:
        mine = {w.lower() for w in sentence.split() if FIRST_PERSON.search(w) or w in
                {"am", "was", "wasn't", "Was", "Am"}}
        kept = [w for w in sentence.split() if w.lower() not in mine]
        assert all(w in text.split() for w in kept)


@pytest.mark.parametrize("sentence, expected", [
    ("I walk to the sea.", "You walk to the sea."),
    ("Then I was afraid and I am still afraid.", "Then you were afraid and you are still afraid."),
    ("I'm sure I've seen it before.", "You're sure you've seen it before."),
    ("I’m sure.", "You’re sure."),
    ("Was I dreaming?", "Were you dreaming?"),
    ("The light touched me and my hands.", "The light touched you and your hands."),
    ("It was mine, and a friend of mine knew it.", "It was yours, and a friend of yours knew it."),
    ("I wrapped myself in the sail.", "You wrapped yourself in the sail."),
    ("My hands were cold.", "Your hands were cold."),
    ("I wasn't afraid.", "You weren't afraid."),
    ("I am dreaming.", "You are dreaming."),
    ("The forget-me-nots bloom over the US flag.", "The forget-me-nots bloom over the US flag."),
])
def test_first_person_sentences_are_reworded(sentence, expected):
    assert second_person(sentence) == (expected, None)


@pytest.mark.parametrize("sentence, why", [
    ("We stood together on the pier.", "it says 'We': would 'you' be one person or many?"),
    ("The light fell on us.", "it says 'us'"),
    ("Our boat drifted.", "it says 'Our'"),
    ("I gave you my hand.", "it says 'I' and 'you': two people"),
    ("I walked into the old mine.", "it says 'old mine': a pit, or a thing of yours?"),
    ("I, too, was afraid.", "'You, too, was' would not agree"),
])
def test_sentences_that_cannot_be_reworded_safely_say_why(sentence, why):
    text, reason = second_person(sentence)
    assert text is None and reason.startswith(why)


def test_the_first_person_rule_sees_a_capital_but_not_a_country():
    assert [m.group(0) for m in FIRST_PERSON.finditer("My hands. We. Us. US. Our. forget-me-not")] \
        == ["My", "We", "Us", "Our"]
    assert YOU.search("Your hands")


@given(st.text(alphabet="ab .!?\nCD#", max_size=60))
def test_sentence_spans_are_the_split_sentences(text):
    text = text.strip()
    assert [text[a:b] for a, b in sentence_spans(text)] == split_sentences(text)


@pytest.mark.parametrize("sentence, word", [
    ("A thin chorus rises as a dull, dull jolt rolls past you.", "dull"),
    ("You roam toward the ruined ruin, guided by a lantern.", "ruined"),
    ("Beneath your palm, a flickering flicker wells up.", "flickering"),
    ("At the centre of the hollowed ground you find a hollowed seed of jade.", "hollowed"),
    ("Still stillness spreads from the river toward you.", "stillness"),
    ("Far down, a feeble, flickering shine flickers with a stutter.", "flickers"),
    ("One by one the herders touch the quartz one by one, and you see them.", "one"),
    ("The air around you burns a flaring flare that aches behind the eyes.", "flare"),
    ("A muteness spreads from the underground pool from the far shore.", "from"),
    ("Shavings of frost curl over the fountain basin over you.", "over"),
    ("Then one great wail rises from the potters, high and wailing.", "wailing"),
    ("The milky air around you is mild as milk.", "milk"),
    ("A kindly rush of relief and weariness rushes into you.", "rushes"),
    ("Columbines race in every footprint, tangerines, chalk-whites, and a startling white.",
     "white"),
    ("Warmth climbs your arm like sunlight through your shoulder and settles in your shoulder.",
     "shoulder"),
    ("The hushed wind thick and velvet-soft, smelling of dusty velvet and linseed oil.",
     "velvet"),
    ("The earth shakes under you, and the ground trembles.", "earth"),
    ("Dog roses spring up up through your shadow.", "up"),
    ("Hot water splashes over the stones, and the ground shakes under you.", None),
    ("A sea-green haze hangs over the half-drowned reeds.", None),
    ("It turns over and over in the air above the pool.", None),
    ("Step by step you climb the hill, wave after wave of warmth in your hands.", None),
    ("Again and again they cry out, passing it hand to hand.", None),
    ("Gently, impossibly gently, the seal drops like a leaf.", None),
    ("You look up, and the light is like a lamp, like coals under ash.", None),
])
def test_a_word_said_twice_where_a_reader_stops_is_found(sentence, word):
    assert said_twice(sentence) == word


def test_a_word_the_corpus_repeats_may_repeat():
    assert said_twice("Let it mend, let it heal.") == "let"
    assert said_twice("Let it mend, let it heal.", allowed={"let"}) is None
