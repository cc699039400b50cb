"""Every limit stops a hostile grammar or chain quickly, with its own message."""

import json
import re

import pytest
from click.testing import CliRunner

from dreamgen import Dreamer, LimitError, Settings
from dreamgen.cli import cli
from dreamgen.grammar import (DEFAULT_MAX_DEPTH, DEPTH_CEILING, Expander, Grammar, Limits,
                              build_grammar, compile_rule, read_layer)
from dreamgen.rng import dream_random

from conftest import library_defaults


def grammar(rules):
    return build_grammar([read_layer("g.json", data=json.dumps(rules).encode())])


def expand(rules, seed=0, limits=Limits(), start="origin"):
    return Expander(grammar(rules), dream_random(seed), limits).symbol(start)


def doubling(levels, leaf="x"):
    rules = {"origin": ["#a0#"], f"a{levels}": [leaf]}
    rules.update({f"a{i}": [f"#a{i + 1}##a{i + 1}#"] for i in range(levels)})
    return rules


def chain(levels, push=False):
    rules = {f"d{i}": [f"#d{i + 1}#" if not push else f"[v{i}:#d{i + 1}#]#v{i}#"]
             for i in range(levels)}
    rules.update(origin=["#d0#"], **{f"d{levels}": ["x"]})
    return rules


def test_a_doubling_grammar_of_long_leaves_stops_at_the_character_limit():
    # 1,024 leaves of 200 characters; 2,047 tags, well inside the node limit.
    with pytest.raises(LimitError, match=r"^g\.json:1:\d+: dream longer than 100,000 "
                                         r"characters at 'a10' \(raise it with --max-chars\)$"):
        expand(doubling(10, "x" * 200))
    assert len(expand(doubling(10, "x" * 200), limits=Limits(max_chars=204_800))) == 204_800


def test_the_character_limit_counts_output_not_each_level_again():
    # 90,000 characters under 30 levels: counted once a level that was 2,700,000.
    assert len(expand(chain(30) | {"d30": ["x" * 90_000]})) == 90_000


def test_a_doubling_grammar_stops_at_the_node_limit_when_characters_allow():
    with pytest.raises(LimitError) as info:
        expand(doubling(22), limits=Limits(max_chars=10**9))
    assert str(info.value) == ("g.json:1:476: more than 20,000 expansions in one dream at "
                               "'a21' (raise it with --max-nodes)")


def test_the_doubling_grammar_fails_through_the_cli_with_the_limit_message(write, dreamer):
    rules = doubling(10, "you " + "x" * 196)
    rules["omen"] = rules.pop("origin")
    path = write("double.json", rules)
    result = CliRunner().invoke(cli, ["generate", "--seed", "1", "--grammar", str(path)])
    assert result.exit_code == 1
    assert re.search(r"double\.json:\d+:\d+: dream longer than 100,000 characters at 'a10' "
                     r"\(raise it with --max-chars\)\n$", result.output), result.output


def test_self_doubling_origin_either_finishes_or_hits_a_limit():
    outcomes = {}
    for seed in range(240):
        try:
            outcomes[seed] = len(expand({"origin": ["x", "#origin##origin#"]}, seed))
        except LimitError as err:
            outcomes[seed] = err.message
    exploded = {s: m for s, m in outcomes.items() if isinstance(m, str)}
    assert set(exploded) == {161, 178, 196, 230}
    assert set(exploded.values()) <= {
        "expansion deeper than 100 levels at 'origin' (raise it with --max-depth)",
        "more than 20,000 expansions in one dream at 'origin' (raise it with --max-nodes)",
        "dream longer than 100,000 characters at 'origin' (raise it with --max-chars)"}


def test_depth_is_counted_dynamically():
    assert expand(chain(DEFAULT_MAX_DEPTH - 2)) == "x"
    with pytest.raises(LimitError, match=r"expansion deeper than 100 levels at 'd99' "):
        expand(chain(150))


def test_depth_is_counted_inside_push_actions():
    with pytest.raises(LimitError, match=r"expansion deeper than 100 levels at "):
        expand(chain(150, push=True))
    assert expand(chain(40, push=True)) == "x"


@pytest.mark.parametrize("push", [False, True])
def test_the_highest_depth_limit_runs_without_a_recursion_error(push):
    # Python's default stack gives out near 330 levels of this; the expander makes room.
    # (Pre-parsed directly: the checker's cost on 2,000 symbols is not what this tests.)
    levels = DEPTH_CEILING - 5 if not push else DEPTH_CEILING // 2 - 5
    rules = chain(levels, push)
    g = Grammar(rules=rules, origin={}, compiled={
        k: tuple(compile_rule(r) for r in v) for k, v in rules.items()})
    limits = Limits(max_depth=DEPTH_CEILING)
    assert Expander(g, dream_random(0), limits).symbol("origin") == "x"


def test_limits_refuse_nonsense_values():
    with pytest.raises(ValueError):
        Limits(max_depth=DEPTH_CEILING + 1)
    with pytest.raises(ValueError):
        Limits(max_nodes=0)


def test_the_character_limit_counts_pushed_text():
    rules = {"origin": ["[x:ab]" + "[x:#x##x#]" * 20 + "#x#"]}
    with pytest.raises(LimitError, match="dream longer than 100,000 characters at 'x'"):
        expand(rules)


@pytest.mark.parametrize("max_words", [5, 16, 40])
def test_max_words_bounds_every_walk(dreamer, max_words):
    rng = dream_random(5)
    walks = [dreamer.models.walk_ids("omen", rng, 1, max_words) for _ in range(300)]
    assert all(w is None or len(w) <= max_words for w in walks)
    assert any(w for w in walks)


def test_a_walk_that_cannot_end_gives_up_within_its_budget():
    from dreamgen.markov.chain import build_chain

    # The one sentence is longer than a walk may be, and has no join: no walk can end.
    chain = build_chain([list(range(2, 40))], lambda before, t: False, 1)
    rng = dream_random(2)
    assert [chain.walk(rng.random, 1, 12, 100) for _ in range(50)] == [None] * 50


def test_fewer_markov_tries_give_fewer_markov_sentences(dreamer):
    few = Dreamer.load(settings=Settings(markov_tries=1))

    def markov(d):
        return sum(s.origin == "markov" for d in map(d.dream, range(10))
                   for b in d.beats for s in b.sentences)

    assert markov(few) < markov(dreamer)


def test_every_limit_option_defaults_to_what_the_library_does_without_it():
    library = library_defaults()
    for name, command in cli.commands.items():
        options = {o.name: o for o in command.params if o.name in library}
        for option in options.values():
            assert option.default == library[option.name], (name, option.name)
            assert option.show_default, (name, option.name)
        if name == "generate":
            assert set(options) == set(library)


def test_the_depth_option_allows_exactly_the_depths_the_expander_takes(run):
    option = next(o for o in cli.commands["generate"].params if o.name == "max_depth")
    Limits(max_depth=option.type.max)
    with pytest.raises(ValueError):
        Limits(max_depth=option.type.max + 1)
    assert run("generate", "--max-depth", str(option.type.max + 1)).exit_code == 2


@pytest.mark.parametrize("option, refused", [("--state-size", "0"), ("--state-size", "6"),
                                             ("--max-words", "4"), ("--markov-tries", "0")])
def test_the_markov_options_refuse_values_out_of_range(run, option, refused):
    result = run("generate", option, refused)
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output
