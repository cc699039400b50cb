"""Each Markov filter turns down what it names and lets the rest through."""

import pytest

from dreamgen.markov import FILTERS, Candidate
from dreamgen.markov.filters import (TEXT_FILTERS, common_words, first_failure, in_arc_order,
                                     length, no_echo, no_repeated_phrase, phrases,
                                     no_first_person, whole_sentence)


def cand(text, models=None, **kw):
    return Candidate(text.split(), [], "touch", models, **kw)


@pytest.mark.parametrize("f, good, bad", [
    (length, "You lay your palm upon the broken thing.", "You wait."),
    (whole_sentence, "You lay your palm upon the broken thing.",
     "you lay your palm upon the broken thing"),
    (whole_sentence, "#flowers.capitalize# open around your knees in the dark.",
     "You lay your palm. Then you wait for the light."),
    (whole_sentence, "You lay your palm upon the broken thing.",
     "You lay your palm (upon the broken thing."),
    (no_first_person, "The light lies upon the broken thing at last.",
     "I lay my palm upon the broken thing, and you watch."),
    (no_first_person, "You lay your palm upon the broken thing.",
     "We lay our palms upon the broken thing."),
    (no_repeated_phrase, "Your eyes sting, and the light is cold on your face.",
     "Your eyes sting and your eyes sting again in the cold."),
])
def test_a_filter_turns_down_what_it_names(f, good, bad):
    assert f(cand(good)) and not f(cand(bad))


def test_arc_order_refuses_a_word_kept_for_later_beats():
    forbidden = frozenset({"mend", "#flowers#"})
    assert in_arc_order(cand("You wish the light would stay with you.", forbidden=forbidden))
    assert not in_arc_order(cand("Let it mend, you think.", forbidden=forbidden))
    assert not in_arc_order(cand("You see #flowers#, bright around you.", forbidden=forbidden))


def test_no_echo_refuses_four_words_already_said():
    said = phrases("Warmth climbs your arm like sunlight on a floor.")
    c = cand("Slowly warmth climbs your arm and settles in you.", said=said)
    c.expanded = c.text
    assert not no_echo(c)
    c = cand("Slowly the warmth settles into your chest.", said=said)
    c.expanded = c.text
    assert no_echo(c)


def test_rare_words_are_refused(dreamer):
    models = dreamer.models
    ids = [models.vocab.index(w) for w in ("You", "kneel")]
    assert common_words(Candidate(["You", "kneel"], ids, "wound", models))
    # A word that only one file has belongs to that file's own scene.
    rare = next(i for i, w in enumerate(models.vocab[2:], 2)
                if models.docfreq[models.norm[i]] == 1 and "#" not in w)
    assert not common_words(Candidate(["You", models.vocab[rare]], ids[:1] + [rare],
                                      "wound", models))


def test_every_filter_has_a_docstring_and_a_distinct_name():
    names = [f.__name__ for f in FILTERS + TEXT_FILTERS]
    assert len(set(names)) == len(names)
    assert all(f.__doc__ for f in FILTERS + TEXT_FILTERS)


def test_first_failure_names_the_first_filter_refused():
    assert first_failure(cand("you wait"), (length, whole_sentence)) is length
    assert first_failure(cand("You lay your palm upon the broken thing."),
                         (length, whole_sentence)) is None
