import json

import pytest

from dreamgen.render import SEPARATOR, render

from conftest import GOLDEN
from make_golden import CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output_is_unchanged(dreamer, name):
    seeds, fmt = CASES[name]
    expected = (GOLDEN / name).read_bytes().decode("utf-8")
    assert render([dreamer.dream(s) for s in seeds], fmt) == expected, (
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
