"""Overlays: layering in order, '+symbol' additions, YAML, the user's own folder."""

import pytest

from dreamgen.errors import GrammarError
from dreamgen.grammar import check_layers, compile_rule, markup_errors, read_layer
from dreamgen.grammar.load import load_grammar
from dreamgen.resources import user_grammar_dir


def rules_of(*overlays, user=False):
    return load_grammar(overlays, user_overlays=user)[1].rules


def test_overlays_layer_in_order_the_last_one_wins(write):
    a = write("a.json", {"fallers": ["glass harp"], "scents": ["moss"]})
    b = write("b.json", {"fallers": ["paper moon"]})
    rules = rules_of(a, b)
    assert rules["fallers"] == ("paper moon",)
    assert rules["scents"] == ("moss",)
    assert rules_of(b, a)["fallers"] == ("glass harp",)


def test_plus_key_adds_to_a_built_in_symbol_instead_of_replacing_it(write):
    builtin = rules_of()["scents"]
    a = write("a.json", {"+scents": ["moss", "rain on slate"]})
    b = write("b.json", {"+scents": ["tar"]})
    assert rules_of(a, b)["scents"] == builtin + ("moss", "rain on slate", "tar")


def test_plus_after_a_replacement_adds_to_the_replacement(write):
    a = write("a.json", {"scents": ["moss"]})
    b = write("b.json", {"+scents": ["tar"]})
    assert rules_of(a, b)["scents"] == ("moss", "tar")


def test_yaml_overlay_loads_like_json(write):
    y = write("o.yaml", "fallers:\n  - glass harp\n  - 'paper #material# moon'\n"
                        "+scents: moss\n")
    j = write("o.json", {"fallers": ["glass harp", "paper #material# moon"], "+scents": "moss"})
    assert rules_of(y) == rules_of(j)


def test_yaml_overlay_never_builds_python_objects(write):
    path = write("evil.yaml", "fallers: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(GrammarError, match="YAML tag !!python/object/apply:os.system is refused"):
        read_layer(path)
    arc = write("arc.yaml", "$arc: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(GrammarError, match="YAML tag !!python/object/apply:os.system is refused"):
        read_layer(arc)


def test_any_standard_tracery_grammar_loads_as_it_is(write):
    # The classic Tracery tutorial grammar: pushes, pops, modifiers, nested tags.
    path = write("tracery.json", {
        "origin": ["#[hero:#name#][heroPet:#animal#]story#"],
        "story": ["#hero.capitalize# had a pet #heroPet.a#. #hero# loved the #heroPet#."],
        "name": ["Arjun", "Yuuma", "Darcy"],
        "animal": ["unicorn", "raven", "sparrow", "coyote"],
    })
    assert check_layers([read_layer(path)], roots=("origin",), persistent=("origin",)) == []


def test_user_folder_overlays_are_read_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("DREAMGEN_CONFIG_DIR", str(tmp_path))
    folder = user_grammar_dir()
    assert folder == tmp_path / "grammars"
    folder.mkdir()
    (folder / "mine.yaml").write_text("fallers: [glass harp]\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a grammar", encoding="utf-8")
    assert rules_of(user=True)["fallers"] == ("glass harp",)
    assert rules_of(user=False)["fallers"] != ("glass harp",)


def test_command_line_overlays_come_after_the_user_folder(monkeypatch, tmp_path, write):
    monkeypatch.setenv("DREAMGEN_CONFIG_DIR", str(tmp_path))
    (tmp_path / "grammars").mkdir()
    (tmp_path / "grammars" / "a.json").write_text('{"fallers": ["glass harp"]}')
    b = write("b.json", {"+fallers": ["paper moon"]})
    assert rules_of(b, user=True)["fallers"] == ("glass harp", "paper moon")


@pytest.mark.parametrize("rule, expected", [
    ("plain text", []),
    ("a #b# [c:d] \\# e", []),
    ("a #b c", [(2, "unclosed '#': this tag has no closing '#'")]),
    ("x [y", [(2, "unclosed '[': this action has no closing ']'")]),
    ("x ]y", [(2, "unbalanced ']': it closes no '['")]),
    ("a ## b", [(2, "empty tag '##'")]),
    ("a [] b", [(2, "empty action '[]'")]),
    ("#[x:#y#]z#", []),
])
def test_markup_errors_say_where(rule, expected):
    assert markup_errors(rule) == expected


def test_compile_rule_agrees_with_markup_errors():
    for rule in ("a #b c", "x [y", "x ]y", "a ## b"):
        with pytest.raises(ValueError) as info:
            compile_rule(rule)
        assert info.value.offset == markup_errors(rule)[0][0]


def _found(src):
    problems = []
    layer = read_layer("g.json", data=src.encode(), problems=problems)
    return [str(p) for p in problems + check_layers([layer])]


def test_a_key_written_with_a_unicode_escape_is_placed_where_it_is_written():
    # "\u0061" is the key "a".
    assert _found('{\n  "b": "x",\n  "\\u0061": []\n}') == [
        "g.json:3:3: symbol 'a' has an empty list of rules; give it at least one rule"]


def test_a_rule_with_an_escaped_slash_is_placed_at_its_tag():
    # "x\/y" is written with four characters for three, so the tag sits one column further.
    assert _found('{\n  "a": "x\\/y #nope#"\n}') == [
        "g.json:2:15: unknown symbol 'nope' in rule 0 of 'a'"]


def test_a_repeated_key_is_placed_at_the_copy_json_keeps():
    assert _found('{\n  "a": "x",\n  "b": "#a#",\n  "a": ["ok", "#nope#"]\n}') == [
        "g.json:4:3: duplicate key 'a' in one file",
        "g.json:4:17: unknown symbol 'nope' in rule 1 of 'a'"]


def test_columns_after_escapes_count_the_escapes_as_written():
    # \u00e9 is six source characters for one, a surrogate pair twelve for one.
    src = '{"a": "\\u00e9\\ud83d\\ude00 #nope#"}'
    assert _found(src) == [
        f"g.json:1:{src.index('nope') + 1}: unknown symbol 'nope' in rule 0 of 'a'"]


def test_locate_follows_a_rule_into_the_overlay_that_added_it(write):
    from dreamgen.grammar import build_grammar

    a = read_layer(write("a.json", {"origin": "#x#", "x": ["one", "two"]}))
    b = read_layer(write("b.json", {"+x": ["three"]}))
    grammar = build_grammar([a, b])
    assert grammar.locate("x", 1) == (a.path, 5, 5)
    assert grammar.locate("x", 2) == (b.path, 3, 5)
    assert grammar.locate("x") == (a.path, 3, 3)
    # The layering is built once and kept, so each lookup is a dictionary look-up.
    assert grammar.layering is grammar.layering


def test_check_layers_runs_the_checks_it_is_given():
    from dreamgen.grammar import CHECKS

    layer = read_layer("g.json", data=b'{"origin": "#nme#", "name": "x"}')
    assert len(check_layers([layer])) == 1
    assert check_layers([layer], checks=()) == []
    only = [c for c in CHECKS if c.__name__ == "check_names"]
    assert [p.message for p in check_layers([layer], checks=only)] == [
        "unknown symbol 'nme' in rule 0 of 'origin'; did you mean 'name'?"]


# -- weighting what overlays append ---------------------------------------------------------

def _share(grammar, symbol, mine, draws=4000):
    from dreamgen.grammar import Expander
    from dreamgen.rng import dream_random

    rng = dream_random(0)
    return sum(Expander(grammar, rng).symbol(symbol) in mine for _ in range(draws)) / draws


@pytest.mark.parametrize("weight", [0.3, 1.0, 2.5])
def test_appended_entries_as_a_group_weigh_w_times_the_built_in_ones(weight):
    from dreamgen.grammar import Layer, appended_weights

    base = Layer("base.json", {"x": tuple("abcdefg")}, {}, {})
    mine = Layer("mine.json", {"+x": ("h", "i", "j")}, {}, {})
    running = appended_weights([base, mine], {"mine.json"}, weight)["x"]
    each = [b - a for a, b in zip((0, *running), running)]
    assert len(set(each[:7])) == len(set(each[7:])) == 1  # alike within each group
    assert sum(each[7:]) / sum(each[:7]) == pytest.approx(weight)


def test_weight_zero_and_the_built_in_files_append_plainly():
    from dreamgen.grammar import Layer, appended_weights

    base = Layer("base.json", {"x": ("a", "b")}, {}, {})
    builtin_too = Layer("more.json", {"+x": ("c",)}, {}, {})
    mine = Layer("mine.json", {"+x": ("d",)}, {}, {})
    assert appended_weights([base, mine], {"mine.json"}, 0) == {}
    assert appended_weights([base, builtin_too], {"mine.json"}) == {}
    # Built-in appends count with the built-in group; a new symbol has nothing to weigh against.
    assert appended_weights([base, builtin_too, mine], {"mine.json"}) == {"x": (1, 2, 3, 6)}
    assert appended_weights([mine], {"mine.json"}) == {}
    with pytest.raises(ValueError):
        appended_weights([base, mine], {"mine.json"}, float("nan"))


def test_a_user_overlay_s_additions_get_half_the_draws_at_the_default_weight(write):
    overlay = write("a.json", {"+skyShapes": ["sleeping dogs", "kites"]})
    mine = {"sleeping dogs", "kites"}
    _, weighted = load_grammar([overlay], user_overlays=False)
    _, plain = load_grammar([overlay], user_overlays=False, overlay_weight=0)
    _, triple = load_grammar([overlay], user_overlays=False, overlay_weight=3)
    builtin = len(rules_of()["skyShapes"])
    assert _share(weighted, "skyShapes", mine) == pytest.approx(0.5, abs=0.03)
    assert _share(plain, "skyShapes", mine) == pytest.approx(2 / (builtin + 2), abs=0.02)
    assert _share(triple, "skyShapes", mine) == pytest.approx(0.75, abs=0.03)
    # The rules, their order and where each was written do not change; only the draws do.
    assert weighted.rules == plain.rules
    assert weighted.locate("skyShapes", builtin) == (str(overlay), 3, 5)
    assert len({weighted.sha256, plain.sha256, triple.sha256}) == 3


def test_the_config_folder_s_overlays_are_weighted_too(write, tmp_path, monkeypatch):
    write("config/grammars/mine.json", {"+skyShapes": ["kites"]})
    monkeypatch.setenv("DREAMGEN_CONFIG_DIR", str(tmp_path / "config"))
    _, grammar = load_grammar(user_overlays=True)
    assert _share(grammar, "skyShapes", {"kites"}) == pytest.approx(0.5, abs=0.03)
    assert set(grammar.weights) == {"skyShapes"}


def test_without_overlays_nothing_is_weighted():
    _, grammar = load_grammar(user_overlays=False, overlay_weight=5)
    _, default = load_grammar(user_overlays=False)
    assert grammar.weights == {} and grammar.sha256 == default.sha256
