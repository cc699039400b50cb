"""The user's own corpus text shows up in the dreams, as much as --corpus-weight says."""

from dataclasses import replace

import pytest

from conftest import HARBOUR
from dreamgen import Dreamer
from dreamgen.compose import DEFAULT_CORPUS_WEIGHT
from dreamgen.stats import user_corpus


def _at(dreamer, weight):
    return Dreamer(dreamer.grammar, dreamer.arc, dreamer.models, dreamer.corpus_sha256,
                   replace(dreamer.settings, corpus_weight=weight), corpus=dreamer.corpus)


def _share(dreamer, seeds):
    return user_corpus([dreamer.dream(s) for s in seeds], dreamer.corpus,
                       dreamer.settings.corpus_weight)


def test_the_file_is_the_users_and_about_700_words(harbour):
    users = [d for d in harbour.corpus.documents if d.user]
    assert [d.path for d in users] == [str(HARBOUR)]
    assert 650 <= sum(len(p.text.split()) for p in users[0].paragraphs) <= 750
    assert not any(d.user for d in Dreamer.load().corpus.documents)


def test_at_the_default_weight_a_quarter_of_markov_sentences_take_four_of_its_words(harbour):
    # A hundred seeds the default weight was not chosen on (it was chosen on 0-39): twenty
    # swing the share by two points either way.
    found = _share(harbour, range(500, 600))
    assert DEFAULT_CORPUS_WEIGHT == harbour.settings.corpus_weight
    assert found["markov_sentences"] >= 1400
    assert found["share"] >= 0.25, found


def test_weight_zero_makes_it_one_more_file_and_more_weight_shows_more(harbour):
    seeds = range(600, 610)
    none, some, more = (_share(_at(harbour, w), seeds)["share"] for w in (0, 1, 4))
    assert none < 0.05 < some < more


def test_no_sentence_is_a_whole_sentence_of_the_users_file(harbour):
    from dreamgen.markov.build import sentences

    whole = {" ".join(w) for p in harbour.corpus.documents[-1].paragraphs
             for w in sentences(p.text)}
    for seed in range(700, 710):
        for beat in harbour.dream(seed, trace=True).beats:
            for s in beat.sentences:
                if s.origin == "markov":
                    assert " ".join(s.trace.template) not in whole


def test_a_user_file_hashes_apart_from_the_same_bytes_built_in(tmp_path):
    from dreamgen.corpus import read_corpus

    f = tmp_path / "c.txt"
    f.write_text(":: omen\nYou look up at the hush of the evening sky.\n", encoding="utf-8")
    assert read_corpus([f]).sha256 != read_corpus([f], user_from=0).sha256
    assert read_corpus([f], user_from=0).documents[0].user


def test_stats_reports_the_weight_and_the_users_share(harbour):
    from dreamgen.stats import report

    r = report(harbour, start=800, count=4)
    own = r["user_corpus"]
    assert own["files"] == [str(HARBOUR)] and own["weight"] == DEFAULT_CORPUS_WEIGHT
    assert 0 < own["markov_taking_yours"] <= own["markov_sentences"]


@pytest.mark.parametrize("weight", ["-1", "x"])
def test_a_bad_weight_is_a_usage_error(run, weight):
    result = run("generate", "--seed", "1", "--corpus-weight", weight)
    assert result.exit_code == 2 and "--corpus-weight" in result.output
