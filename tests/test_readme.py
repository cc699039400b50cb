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


def _flat(path):
    return " ".join((ROOT / path).read_text(encoding="utf-8").split())


def test_readme_limits_table_gives_the_clis_real_defaults():
    from dreamgen.cli import generate

    params = {p.opts[0]: p for p in generate.params}
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- limits -->")[1].split("<!-- /limits -->")[0]
    rows = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| `--")]
    assert len(rows) == 8
    for option, default in rows:
        param = params[option.strip().strip("`")]
        assert int(default.split("(")[0].replace(",", "")) == param.default, option
        if "(" in default:
            low, high = default.split("(")[1].rstrip(") ").replace(",", "").split(" to ")
            assert (int(low), int(high)) == (param.type.min, param.type.max), option


def test_readme_figures_are_the_codes():
    from dreamgen import Dreamer
    from dreamgen.batch import DEFAULT_CHUNK
    from conftest import CACHE_LIMITS  # dreamgen.cache's own, which the session raises
    from dreamgen.markov import (DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, DEFAULT_NOVELTY_WORDS,
                                 DEFAULT_TRIES)

    arc = Dreamer.load(user_overlays=False).arc
    words = {15: "fifteen"}
    readme = _flat("README.md")
    for claim in [
        f"keeps the same {words[len(arc.beats)]}-beat arc",
        f"`dreamgen beats` lists them",
        f"keeps the {CACHE_LIMITS[0]} most recently used entries and at most "
        f"{CACHE_LIMITS[1] // 10**6} MB",
        f"makes chunks of {DEFAULT_CHUNK} dreams",
        f"shares no run of {DEFAULT_NOVELTY_WORDS} words with the corpus",
        f"{DEFAULT_MIN_WORDS} to {DEFAULT_MAX_WORDS} words",
        f"no usable sentence in {DEFAULT_TRIES:,} tries",
        "(at most 500 characters, one paragraph)",  # tests/test_compose.py holds every dream to it
        "about 600 to 1,200 characters",
    ]:
        assert claim in readme, claim


def test_readme_speed_figures_are_those_of_bench_results():
    import re

    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    readme = _flat("README.md")

    def figure(pattern):
        return float(re.search(pattern, results).group(1))

    per_second = figure(r"dreams a second, one core \| (\d+)/s")
    ratio = figure(r"/s \| (\d+\.\d+)x \| >= 4x")
    naive = figure(r"naive over the corpus (\d+)/s")
    load_ms = figure(r"from the cache, new process \| (\d+\.\d+) ms")
    build_s = figure(r"from a [\d.]+ MB corpus \| (\d+\.\d+) s")
    start_ratio = figure(r"click\) \| (\d+\.\d+)x")
    corpus_mb = figure(r"model built from a (\d+\.\d+) MB")
    for claim in [f"about {round(per_second, -1):.0f} dreams a second",
                  f"{ratio:.1f} times the naive", f"({naive:.0f}/s)",
                  f"takes about {load_ms:.0f} ms", f"in {build_s:.1f} s",
                  f"{start_ratio:.1f} times the bare import", f"from a {corpus_mb:.1f} MB"]:
        assert claim in readme, claim


def test_readme_cache_sizes_are_what_the_cache_holds(dreamer):
    from dreamgen.cache import entries

    readme = _flat("README.md")
    for kind, words in (("model", "a model of about"), ("grammar", "a bundle of about")):
        sizes = {f"{words} {e.size / 1e6:.1f} MB" for e in entries() if e.name.startswith(kind)}
        assert any(size in readme for size in sizes), sizes


def test_guide_figures_are_the_codes(dreamer):
    from dreamgen.grammar import MAX_MARKOV, Action

    guide = _flat("docs/grammar.md")
    pushes = [a for rule in dreamer.grammar.compiled[dreamer.arc.cast] for a in rule
              if isinstance(a, Action) and a.kind == "push"]
    numbers = {10: "ten", 15: "fifteen"}
    assert f"the {numbers[len(dreamer.arc.beats)]} beats every dream keeps" in guide
    assert f"It pushes {numbers[len(pushes)]} variables" in guide
    assert f"how many Markov sentences (0 to {MAX_MARKOV})" in guide
    assert f"Markov sentences for a beat (0 to {MAX_MARKOV})" in guide
    for a in pushes:
        assert f"| `#{a.target}#` | `{a.rules[0][0].symbol}` |" in guide, a.target
