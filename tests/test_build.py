"""Counting a corpus into models: sentences, beats, untagged text and the word spread."""

from dreamgen.corpus import read_corpus
from dreamgen.markov import ModelSettings, Models
from dreamgen.markov.build import HINGE_WORDS, build_payload, sentences

BEATS = ("omen", "fall", "waking")


def test_a_tag_before_a_full_stop_still_ends_a_sentence():
    assert list(sentences("You see the #fallen#. It falls on you.")) == [
        "You see the #fallen#.".split(), "It falls on you.".split()]


def test_quoted_sentences_are_left_out_as_markovify_does():
    assert list(sentences('"Wake," you say. You wait by the water.')) == [
        "You wait by the water.".split()]


def test_each_beat_learns_only_its_own_paragraphs(write):
    corpus = read_corpus([write("c.txt", ":: omen\nYou look up at the hush.\n\n"
                                         ":: waking\nYou wake in your own bed.\n")], beats=BEATS)
    models = Models(build_payload(corpus, BEATS, ModelSettings(min_spread=0)))
    said = {b: {w for t in models.chains[b].tokens for w in [models.vocab[t]]}
            for b in models.chains}
    assert "bed." in said["waking"] and "bed." not in said["omen"]
    assert "fall" not in models.chains  # a beat with no text has no chain


def test_untagged_text_goes_to_the_beat_it_reads_like(write):
    tagged = write("t.txt", ":: omen\nA hush falls and you look up at the sky.\n"
                            "The hush deepens and you look up again.\n\n"
                            ":: waking\nYou wake in your bed and the dream fades.\n"
                            "You wake slowly and your bed is warm.\n")
    untagged = write("u.txt", "You wake and your bed is warm and the dream fades.\n")
    corpus = read_corpus([tagged, untagged], beats=BEATS)
    models = Models(build_payload(corpus, BEATS, ModelSettings(min_spread=0)))
    starts = [models.vocab[t] for t in models.chains["waking"].tokens]
    assert starts.count("___BEGIN__") == 3  # the two tagged sentences and the untagged one
    assert [models.vocab[t] for t in models.chains["omen"].tokens].count("___BEGIN__") == 2


def test_a_beat_says_only_words_many_files_use_there(write):
    files = [write(f"{i}.txt", ":: omen\nYou see the water rise and the light go still.\n"
                               + ("You see the heron, the heron by the water.\n" if i == 0 else ""))
             for i in range(40)]
    corpus = read_corpus(files, beats=BEATS)
    models = Models(build_payload(corpus, BEATS, ModelSettings(min_spread=0.1)))
    chain = models.chains["omen"]
    said = {models.vocab[chain.tokens[p + 1]] for p in chain.members}
    words = {models.novelty.forms[f] for f in models._vocabulary["omen"]}
    assert "water" in words and "heron" not in words and "heron," not in said


def test_scene_words_come_back_beat_after_beat_in_few_files(write):
    scene = ":: omen\nYou see the boat by the pier.\n\n:: fall\nThe boat rocks and you fall.\n"
    plain = ":: omen\nYou look up and wait.\n\n:: fall\nIt falls and you wait.\n"
    files = [write(f"{i}.txt", scene if i < 2 else plain) for i in range(12)]
    models = Models(build_payload(read_corpus(files, beats=BEATS), BEATS))
    forms = {models.novelty.forms[f] for f in models.scene}
    assert "boat" in forms and "wait" not in forms and "you" not in forms


def test_hinges_are_closed_class_words():
    assert {"the", "your", "of", "like", "and"} <= HINGE_WORDS
    assert not {"light", "you", "falls", "slowly"} & HINGE_WORDS
