import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs"))
import update_readme  # noqa: E402


def test_readme_blocks_are_what_the_code_produces(dreamer, builtin_report):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = update_readme.read_blocks(text)
    expected = update_readme.blocks(dreamer, builtin_report)
    for name, body in expected.items():
        assert found.get(name) == body, (
            f"README block {name!r} is stale: run python docs/update_readme.py")


def test_readme_names_the_install_and_test_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && dreamgen generate --seed 42" in text
    assert "pip install '.[test]' && python -m pytest" in text
