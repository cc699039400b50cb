"""dreamgen.grammar.tracery: plain Tracery grammars run as pytracery and the JavaScript tracery2 do.

The cases follow pytracery's own test suite (tests/test_tracery.py upstream), written anew,
plus the cases where dreamgen once differed from both references.
"""

import json

import pytest

from dreamgen import GrammarError, LimitError
from dreamgen.grammar import Limits, tracery

PETS = {
    "animal": ["bear", "cat", "dog", "fox"],
    "mood": ["quiet", "morose", "gleeful"],
    "deepHash": ["\\#00FF00", "\\#FF00FF"],
    "deeperHash": ["#deepHash#"],
    "nonrecursiveStory": ["The #pet# went to the beach."],
    "name": ["Cheri", "Fox", "Morgana"],
    "monster": ["dragon", "ogre", "witch"],
    "setPronouns": ["[heroThey:they][heroTheir:their]", "[heroThey:she][heroTheir:her]"],
    "setOccupation": ["[occupation:baker][didStuff:baked bread,iced a cake]",
                      "[occupation:warrior][didStuff:fought #monster.a#,battled #monster.a#]"],
    "story": ["#hero.capitalize# was a great #occupation#, and this song tells of "
              "#heroTheir# adventure. #hero.capitalize# #didStuff#, then #heroThey# "
              "#didStuff#, then #heroThey# went home to read a book."],
    "svgColor": ["rgb(120,180,120)", "rgb(240,140,40)"],
}


def grammar(rules=None, origin=None, **kw):
    rules = dict(PETS if rules is None else rules)
    if origin is not None:
        rules["origin"] = origin
    return tracery.load("g.json", data=json.dumps(rules).encode(), **kw)


def flat(origin, rules=None, seed=0):
    return tracery.expand(grammar(rules, origin), seed=seed)


@pytest.mark.parametrize("src, expected", [
    ("a", "a"),
    ("Emma Woodhouse, handsome, clever, and rich", "Emma Woodhouse, handsome, clever, and rich"),
    ("\\#escape hash\\# and escape slash\\\\", "#escape hash# and escape slash\\"),
    ("\"test\" and 'test'", "\"test\" and 'test'"),
    ("\\[\\]", "[]"),
    ("\\#", "#"),
    ("\\\\", "\\"),
    ("An action can have inner tags: \\[key:\\#rule\\#\\]",
     "An action can have inner tags: [key:#rule#]"),
    ("A tag can have inner actions: \"\\#\\[myName:\\#name\\#\\]story\\[myName:POP\\]\\#\"",
     "A tag can have inner actions: \"#[myName:#name#]story[myName:POP]#\""),
    ("💻🐋🌙🏄🍻", "💻🐋🌙🏄🍻"),
    ("&\\#x2665; &\\#x2614; &\\#9749;", "&#x2665; &#x2614; &#9749;"),
])
def test_plain_text_and_escapes_come_out_as_pytracery_gives(src, expected):
    assert flat(src) == expected


def test_escaped_hashes_survive_a_push():
    for seed in range(10):
        assert flat("#deepHash# [myColor:#deeperHash#] #myColor#", seed=seed) in {
            f"{a}  {b}" for a in ("#00FF00", "#FF00FF") for b in ("#00FF00", "#FF00FF")}


def test_tags_inside_attribute_text_expand():
    out = flat('style="fill:#svgColor#;stroke:#svgColor#"')
    assert out.startswith('style="fill:rgb(') and out.endswith(')"')


def test_a_push_lasts_for_the_rest_of_the_rule():
    out = flat("[pet:#animal#]You have a #pet#. Your #pet# is #mood#.")
    pet = out.split("You have a ")[1].split(".")[0]
    assert out.startswith(f"You have a {pet}. Your {pet} is ")


def test_push_pop_restores_the_earlier_value():
    for seed in range(20):
        out = flat("[pet:#animal#]#pet#,[pet:#mood#]#pet#,[pet:POP]#pet#", seed=seed)
        first, _, last = out.split(",")
        assert first == last


def test_a_tag_push_is_seen_inside_the_tag():
    assert flat("#[pet:#animal#]nonrecursiveStory#").startswith("The ")


def test_a_tag_push_is_undone_after_the_tag_with_a_message_that_says_so():
    from dreamgen.grammar import Expander, compile_rule
    from dreamgen.rng import dream_random

    # Both references undo the push after the tag; the text after it has no 'pet'.
    with pytest.raises(GrammarError, match=r"'pet' has no value here: every push of it has "
                                           r"been undone.*by the end of the tag"):
        # Expanded past the checker, which refuses this grammar (see below).
        loaded = grammar(origin="#[pet:x]nonrecursiveStory#")
        rule = compile_rule("#[pet:#animal#]nonrecursiveStory# post:#pet#")
        Expander(loaded.grammar, dream_random(0)).rule(rule)


def test_the_pronoun_story_expands_in_full():
    out = flat("#[#setPronouns#][#setOccupation#][hero:#name#]story#")
    assert ", and this song tells of " in out and out.endswith(" went home to read a book.")


def test_modifier_parameters_replace_text():
    out = flat("[pet:#animal#]#nonrecursiveStory# -> #nonrecursiveStory.replace(beach,mall)#")
    assert " went to the beach. -> " in out and out.endswith(" went to the mall.")


def test_string_rules_and_case_modifiers():
    rules = {"hello": "Hello", "location": ["world"]}
    assert flat("#hello.capitalize#, #location#!", rules) == "Hello, world!"
    assert flat("#hello.lowercase#, #location.uppercase#!", rules) == "hello, WORLD!"


def test_the_same_seed_gives_the_same_text_and_seeds_differ():
    g = grammar(origin="#animal# #mood# #name#")
    assert tracery.expand(g, seed=5) == tracery.expand(g, seed=5)
    assert len({tracery.expand(g, seed=s) for s in range(30)}) > 5


@pytest.mark.parametrize("src, expected", [
    ("[t:12:30]#t#", "12"),  # both references keep only what is between the first two ':'
    ("[a:[b:x]#b#]#a#", "b"),  # the push is "[b", which reads as the text "b"
    ("\\[inline\\]: #[[x:seven, eight]]lambda# #x#", "[inline]: λ ex"),
])
def test_cases_where_dreamgen_once_differed_follow_both_references(src, expected):
    assert flat(src, {"b": "bee", "lambda": "λ", "x": "ex"}) == expected


@pytest.mark.parametrize("src, message", [
    ("#unicorns#", "unknown symbol 'unicorns'"),
    ("#пправило#", "unknown symbol 'пправило'"),
    ("#animal.foo#", "unknown modifier '.foo'"),
    ("#unmatched", "unclosed '#'"),
    ("[pet:unicorn", "unclosed '\\['"),
    ("pet:unicorn]", "unbalanced '\\]'"),
    ("[][]][][][[[]]][[]]]]", "empty action"),
    ("[][#]][][##][[[##]]][#[]]]]", "empty action"),
    ("[pet:#animal#]#hero# and #occupation#", "unknown symbol 'hero'"),
])
def test_where_pytracery_prints_a_placeholder_dreamgen_raises(src, message):
    # pytracery gives "((unicorns))", "((.foo))" or the text with the markup dropped.
    with pytest.raises(GrammarError, match=message):
        flat(src)


def test_a_problem_in_an_unreached_symbol_is_a_warning_with_its_position():
    rules = {"origin": "#a#", "a": "fine", "typo": "#nosuch#", "n": None, "comment.note": "x",
             "empty": []}
    loaded = grammar(rules)
    assert tracery.expand(loaded) == "fine"
    found = {str(w) for w in loaded.warnings}
    assert "g.json:1:42: warning: unknown symbol 'nosuch' in rule 0 of 'typo'" in found
    assert any(w.startswith("g.json:1:") and "'n' is null" in w for w in found)
    assert any("'comment.note'" in w for w in found) and any("'empty'" in w for w in found)


def test_strict_refuses_problems_in_unreached_symbols():
    with pytest.raises(GrammarError, match="unknown symbol 'nosuch'"):
        grammar({"origin": "ok", "typo": "#nosuch#"}, strict=True)


def test_a_problem_in_a_reached_symbol_stays_an_error():
    with pytest.raises(GrammarError, match="g.json:1:26: unknown symbol 'nosuch'"):
        grammar({"origin": "#a#", "a": "#nosuch#"})


def test_a_missing_start_symbol_is_named():
    with pytest.raises(GrammarError, match="no symbol 'origin'"):
        grammar({"start": "x"})
    assert tracery.expand(grammar({"start": "x"}, symbol="start")) == "x"


def test_trace_is_the_expansion_tree_with_the_same_text():
    g = grammar({"origin": "#hi.capitalize#, #place#", "hi": "hello", "place": "#w#", "w": "x"})
    tree = tracery.trace(g, seed=3)
    assert tree["text"] == tracery.expand(g, seed=3) == "Hello, x"
    assert [c["symbol"] for c in tree["children"]] == ["hi", "place"]
    assert tree["children"][0] == {"symbol": "hi", "rule": "hello", "text": "Hello",
                                   "children": []}
    assert tree["children"][1]["children"][0]["symbol"] == "w"


def _nested(levels, leaf):
    rules = {f"s{i}": f"#s{i + 1}#" for i in range(levels)}
    rules[f"s{levels}"] = leaf
    rules["origin"] = "#s0#"
    return rules


def test_max_chars_counts_the_output_once_not_at_every_level():
    g = grammar(_nested(40, "x" * 5_000))
    # 5,000 characters, 40 levels deep: counted per level that was 200,000.
    assert len(tracery.expand(g, limits=Limits(max_chars=6_000))) == 5_000
    with pytest.raises(LimitError, match="longer than 4,999 characters"):
        tracery.expand(g, limits=Limits(max_chars=4_999))


def test_max_depth_can_go_past_100_for_a_plain_grammar():
    g = grammar(_nested(150, "deep"))
    with pytest.raises(LimitError, match="deeper than 100 levels"):
        tracery.expand(g)
    assert tracery.expand(g, limits=Limits(max_depth=200)) == "deep"


def test_the_set_pronouns_idiom_does_not_warn():
    rules = {"origin": "#[#setPronouns#][hero:#name#]story#", "name": ["Ana", "Bo"],
             "setPronouns": ["[they:they][their:their]", "[they:she][their:her]"],
             "story": "#hero# took #their# lamp; #they# went on."}
    loaded = grammar(rules)
    assert loaded.warnings == ()
    from dreamgen.grammar import check_layers, read_layer
    layer = read_layer("g.json", data=json.dumps(rules).encode())
    assert check_layers([layer], roots=("origin",)) == []


def test_the_checker_refuses_a_use_after_a_tags_own_push_ended():
    with pytest.raises(GrammarError, match=r"#pet# in rule 0 of 'origin' comes after the tag "
                                           r"that pushed 'pet'"):
        grammar(origin="#[pet:#animal#]nonrecursiveStory# post:#pet#")
    # Pushed before the tag instead, it lasts.
    assert flat("[pet:#animal#]#nonrecursiveStory# post:#pet#").startswith("The ")


def test_the_checker_refuses_a_tags_own_push_read_by_a_symbol_reached_outside_the_tag():
    rules = {"origin": "#[x:A]inside# #outside#", "inside": "#deeper#", "deeper": "#x#",
             "outside": "#x#"}
    with pytest.raises(GrammarError, match=r"#x# in rule 0 of 'outside' reads 'x', which only "
                                           r"a tag's own push sets \(in rule 0 of 'origin'\)"):
        grammar(rules)
    # Reached only inside the tag that pushes x, two symbols deep, it is fine.
    assert flat("#[x:A]inside#", {"inside": "#deeper#", "deeper": "#x#"}) == "A"


def test_strict_refuses_a_warning_that_is_not_about_reach():
    rules = {"origin": "#a#", "a": "[unread:x]ok"}
    assert [w.message for w in grammar(rules).warnings] == [
        "variable 'unread' is pushed in rule 0 of 'a' and never read or popped"]
    with pytest.raises(GrammarError, match="'unread' is pushed"):
        grammar(rules, strict=True)


def test_a_symbol_name_with_a_colon_runs_as_in_both_references():
    # Real bots name symbols "V:TRA"; a tag can read them, only a push cannot set them.
    assert flat("#V:TRA.capitalize# it", {"V:TRA": "hate"}) == "Hate it"
