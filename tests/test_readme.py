import re
import sys

import platformdirs

from conftest import ROOT, library_defaults

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


def _table(text, header):
    """The rows of the README table whose header row starts with ``| header |``, as cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _number(text):
    return int(text.replace(",", ""))


def test_readme_limits_table_gives_the_real_defaults_and_ranges():
    from dreamgen.cli import generate

    params = {p.opts[0]: p for p in generate.params}
    library = library_defaults()
    rows = _table((ROOT / "README.md").read_text(encoding="utf-8"), "option")
    assert sorted(params[option.strip("`")].name for option, _, _ in rows) == sorted(library)
    for option, default, stops in rows:
        param = params[option.strip("`")]
        shown = re.fullmatch(r"([\d,]+)(?: \(([\d,]+) to ([\d,]+)\))?", default)
        assert shown, default
        assert _number(shown[1]) == param.default == library[param.name], option
        if shown[2]:
            assert (_number(shown[2]), _number(shown[3])) == (param.type.min, param.type.max)
        else:
            assert getattr(param.type, "max", None) is None, option
        assert stops, option


def test_readme_folder_table_gives_the_real_linux_defaults(run, monkeypatch, tmp_path):
    rows = {var.strip("`"): default
            for var, _, default in _table((ROOT / "README.md").read_text(encoding="utf-8"),
                                          "variable")}
    assert set(rows) == {"DREAMGEN_CACHE_DIR", "DREAMGEN_CONFIG_DIR"}
    for var in ("DREAMGEN_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    home = lambda shown: shown.strip("`").replace("~", str(tmp_path))  # noqa: E731
    assert run("cache", "info").output.splitlines()[0].split() == [
        "path", home(rows["DREAMGEN_CACHE_DIR"])]
    assert platformdirs.user_config_dir("dreamgen") == home(rows["DREAMGEN_CONFIG_DIR"])
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert run("cache", "info").output.splitlines()[0].split() == [
        "path", str(tmp_path / "elsewhere")]


def test_readme_fault_table_gives_the_real_exit_codes():
    import signal

    codes = [128 + getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT")]
    row = next(r for r in _table((ROOT / "README.md").read_text(encoding="utf-8"), "fault")
               if r[0].startswith("SIGTERM, SIGHUP, Ctrl-C"))
    assert f"exit code 128 + the signal ({', '.join(map(str, codes))})" in row[1]


def test_readme_figures_are_the_codes():
    from dreamgen import Dreamer
    from dreamgen.batch import DEFAULT_CHUNK
    from dreamgen.resume import DEFAULT_CHECKPOINT_SECONDS
    from dreamgen.verify import DEFAULT_VERIFY_SAMPLE
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
        f"and about {DEFAULT_VERIFY_SAMPLE} records drawn from the seeded source",
        f"synced to disk; one every {'second' if DEFAULT_CHECKPOINT_SECONDS == 1 else '?'})",
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
