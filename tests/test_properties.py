"""Properties over generated grammars and over every seed."""

import json
import re

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dreamgen import DreamgenError
from dreamgen.grammar import Expander, Limits, build_grammar, read_layer
from dreamgen.output.render import render
from dreamgen.rng import dream_random

from conftest import unremembered

SYMBOLS = ["origin", "a", "b", "c"]
MODS = ["s", "ed", "a", "capitalize", "firstS", "replace(a,b)", "replace(a)", "shout"]
SMALL = Limits(max_depth=30, max_nodes=500, max_chars=5_000)
# The literal characters the strategies below write, and the letters .s/.ed/.a add (and
# .capitalize raises when they start the text).
OUTPUT_CHARS = set("ab ,.#[]:\\") | set("sedinABSE")

symbol = st.sampled_from(SYMBOLS + ["x", "missing"])
tag = st.builds(lambda s, mods: "#" + ".".join([s, *mods]) + "#", symbol,
                st.lists(st.sampled_from(MODS), max_size=2))
action = st.one_of(
    st.builds(lambda v, s: f"[{v}:{s}]", st.sampled_from(["x", "y"]), st.one_of(tag, st.text(
        "ab ", max_size=3))),
    st.builds(lambda v: f"[{v}:POP]", st.sampled_from(["x", "y"])),
    st.builds(lambda t: f"[{t}]", tag),
)
piece = st.one_of(st.text("ab ,.", max_size=4), tag, action,
                  st.sampled_from(["#", "[", "]", ":", "\\#", "##", "#[x:a]b#", "#a[x:y]b#"]))
rule = st.builds("".join, st.lists(piece, max_size=4))
grammars = st.dictionaries(st.sampled_from(SYMBOLS), st.lists(rule, min_size=1, max_size=3),
                           min_size=1).map(lambda g: {"origin": ["a"], **g})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grammars, st.integers(0, 2**32))
def test_a_generated_grammar_generates_or_fails_with_a_dreamgen_error(rules, seed):
    try:
        grammar = build_grammar([read_layer("g.json", data=json.dumps(rules).encode())])
        text = Expander(grammar, dream_random(seed), SMALL).symbol("origin")
    except DreamgenError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(text, str) and len(text) <= SMALL.max_chars
    # Only literal text and what the modifiers add can reach a dream: no symbol or modifier
    # name, and none of pytracery's "((symbol))" failure markers.
    assert set(text) <= OUTPUT_CHARS, text
    again = Expander(grammar, dream_random(seed), SMALL).symbol("origin")
    assert again == text


@pytest.fixture(scope="module")
def again(dreamer):
    from dreamgen import Dreamer

    return Dreamer.load(settings=dreamer.settings)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**12))
def test_the_same_seed_gives_the_same_bytes(dreamer, again, seed):
    first = render([dreamer.dream(seed)], "jsonl").encode("utf-8")
    assert render([again.dream(seed)], "jsonl").encode("utf-8") == first
    assert render([dreamer.dream(seed)], "jsonl").encode("utf-8") == first


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**12))
def test_none_never_reaches_a_dream(dreamer, seed):
    dream = dreamer.dream(seed)
    assert re.search(r"\bNone\b", dream.text) is None
    assert all(s.text and isinstance(s.text, str) for b in dream.beats for s in b.sentences)


word = st.sampled_from(["you ", "I ", "the ", "a ", "my ", "glow ", "glow, ", "nearest "])
worded = st.dictionaries(
    st.sampled_from(SYMBOLS),
    st.lists(st.builds("".join, st.lists(st.one_of(piece, word), max_size=5)), min_size=1,
             max_size=3),
    min_size=1).map(lambda g: {"origin": ["a"], **g})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worded)
@example({"origin": ["#origin.a#", "[x:]"]})  # a rule that is only an action
def test_the_wording_checks_take_any_grammar_and_place_each_problem(rules):
    from dreamgen.grammar import check_layers

    layer = read_layer("g.json", data=json.dumps(rules).encode())
    for p in check_layers([layer], roots=("origin",), persistent=("origin",),
                          voiced=(("beat", "origin"),)):
        assert p.path == "g.json" and p.line >= 1 and p.column >= 1
        assert "\n" not in p.message and (p.symbol is None or p.symbol in rules)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worded, worded)
def test_a_remembered_check_finds_what_a_fresh_one_finds(base, overlay):
    from dreamgen.grammar import check_layers

    files = {"base.json": json.dumps(base).encode(),
             "mine.json": json.dumps({f"+{k}": v for k, v in overlay.items()}).encode()}

    def check(voiced=(("beat", "origin"),)):
        layers = [read_layer(path, data=data) for path, data in files.items()]
        return check_layers(layers, roots=("origin",), persistent=("origin",), voiced=voiced)

    with unremembered():
        fresh = check()
    # Checked first: the same rules in a file of another name, the same files otherwise.
    check_layers([read_layer("mine.json", data=files["base.json"])], roots=("origin",))
    check(voiced=())
    assert check() == fresh
    assert check() == fresh  # all of it remembered
