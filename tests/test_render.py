import json

import pytest

from dreamgen.output.render import SEPARATOR, render

from conftest import GOLDEN
from make_golden import CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output_is_unchanged(dreamer, name):
    seeds, fmt, length = CASES[name]
    expected = (GOLDEN / name).read_bytes().decode("utf-8")
    assert render([dreamer.dream(s, length=length) for s in seeds], fmt) == expected, (
        f"{name} changed; if the change is meant, run: python tests/make_golden.py")


def test_text_separates_paragraphs_and_dreams(dreamer):
    a, b = dreamer.dream(1), dreamer.dream(2)
    out = render([a, b], "text")
    assert out == f"{a.text}\n\n{SEPARATOR}\n\n{b.text}\n"
    assert a.text.count("\n\n") == 14


def test_json_is_a_list_and_jsonl_one_object_a_line(dreamer):
    dreams = [dreamer.dream(s) for s in (1, 2)]
    assert json.loads(render(dreams, "json")) == [d.to_dict() for d in dreams]
    lines = render(dreams, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [d.to_dict() for d in dreams]
    assert json.loads(render([], "json")) == []


def test_markdown_heads_each_dream_with_its_title_and_seed(dreamer):
    d = dreamer.dream(3, length="micro")
    assert render([d], "markdown") == f"## {d.title} (dream 3)\n\n{d.text}\n"
    assert d.title == "The " + " ".join(w if w in ("of", "the") else w.capitalize()
                                        for w in d.cast["fallen"].split()) + " over the " + \
        " ".join(w if w in ("of", "the") else w.capitalize() for w in d.cast["water"].split())


def test_a_record_carries_its_cast_length_and_title(dreamer):
    record = json.loads(render([dreamer.dream(5, length="short")], "jsonl"))
    assert record["length"] == "short"
    assert record["cast"]["fallen"] and record["cast"]["witnesses"]
    assert set(record["cast"]) >= {"fallen", "trail", "witnesses", "water", "material"}
    assert record["title"].startswith("The ") and " over the " in record["title"]
    assert record["cast"]["fallen"].split()[0].lower() in record["title"].lower()
