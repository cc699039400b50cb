"""Fuzz the grammar loader, the corpus reader and the Tracery rule parser: any input gives a
result or a DreamgenError (RuleSyntaxError for one rule), never a crash or a hang.

CI runs a few hundred examples. Run longer with bench/fuzz.sh (for a set time), or:

    DREAMGEN_FUZZ_EXAMPLES=200000 python -m pytest tests/test_fuzz.py -q
"""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamgen import DreamgenError
from dreamgen.compose import _check_corpus_tags
from dreamgen.corpus import Corpus, read_document
from dreamgen.grammar import (Expander, Limits, RuleSyntaxError, build_grammar, compile_rule,
                              read_layer)
from dreamgen.markov import ModelSettings, Models
from dreamgen.markov.build import build_payload
from dreamgen.rng import dream_random

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


rule_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["#", "[", "]", ":", ",", ".", "\\", "(", ")", "POP", "a", "b",
                              "s", "ed", "capitalize", "replace", " "]),
             max_size=16).map("".join),
)
_SMALL = Limits(max_depth=20, max_nodes=300, max_chars=2_000)


@FUZZ
@given(rule_text, st.integers(0, 2**32))
def test_fuzz_rule_parser_and_expander(rule, seed):
    try:
        compiled = compile_rule(rule)
    except RuleSyntaxError as err:
        assert err.offset is None or 0 <= err.offset < len(rule)
        assert "\n" not in str(err)
        return
    assert isinstance(compiled, tuple)
    try:
        grammar = build_grammar([read_layer("g.json", data=json.dumps(
            {"origin": [rule], "a": ["#b#", "x"], "b": ["y"]}).encode())])
        text = Expander(grammar, dream_random(seed), _SMALL).symbol("origin")
    except DreamgenError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(text, str) and len(text) <= _SMALL.max_chars
