"""Fuzz the grammar loader and the corpus reader: any bytes give a layer or a DreamgenError.

CI runs a few hundred examples. Run longer with, for example:

    DREAMGEN_FUZZ_EXAMPLES=200000 python -m pytest tests/test_fuzz.py -q
"""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamgen import DreamgenError
from dreamgen.compose import _check_corpus_tags
from dreamgen.corpus import Corpus, read_document
from dreamgen.grammar import build_grammar, read_layer
from dreamgen.markov import ModelSettings, Models
from dreamgen.markov.build import build_payload

EXAMPLES = int(os.environ.get("DREAMGEN_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
grammar_bytes = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.text("ab.#[]: +$arc", max_size=6),
                    st.lists(st.text("ab#[]:.,\\ ()POPsed", max_size=12), max_size=3)
                    | st.text(max_size=5), max_size=5).map(lambda v: json.dumps(v).encode()),
    st.text("ab:-[]{}#!&*,'\"\n ?|>yes12.", max_size=120).map(str.encode),
)


def _load(name, data):
    try:
        layer = read_layer(name, data=data)
        build_grammar([layer])
    except DreamgenError as err:
        assert "\n" not in str(err)


@FUZZ
@given(grammar_bytes)
def test_fuzz_json_grammar_loader(data):
    _load("fuzz.json", data)


@FUZZ
@given(grammar_bytes)
def test_fuzz_yaml_grammar_loader(data):
    _load("fuzz.yaml", data)


corpus_text = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(
        st.sampled_from([":: omen", ":: nope", "::", "title: x", "", "You see the #fallen#.",
                         "___BEGIN__ you", "You ___END__.", '"You," she says.', "(You)",
                         "#", "#fallen.s# falls on you.", "\x00", "\ufeff"]),
        st.text(max_size=40)), max_size=12).map(lambda ls: "\n".join(ls).encode(
            "utf-8", "surrogatepass")),
)


@FUZZ
@given(corpus_text)
def test_fuzz_corpus_reader_and_model(data):
    try:
        doc = read_document("fuzz.txt", data=data, beats=("omen", "fall"))
        corpus = Corpus((doc,), doc.sha256)
        _check_corpus_tags(corpus, _GRAMMAR)
        Models(build_payload(corpus, ("omen", "fall"), ModelSettings(state_size=1))).validate()
    except DreamgenError as err:
        assert "\n" not in str(err)


_GRAMMAR = build_grammar([read_layer("g.json", data=b'{"fallen": "star"}')])
