import re
import sys

import platformdirs

from conftest import ROOT, library_defaults

sys.path.insert(0, str(ROOT / "docs"))
import update_readme  # noqa: E402

WORDS = {2: "two", 3: "three", 4: "four", 8: "eight", 15: "fifteen"}
TRANSCRIPT = re.compile(r"```text\n\$ cat (\S+)\n(.*?)\n\$ dreamgen (.*?)\n(.*?)\n```", re.S)


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
        "`dreamgen beats` lists them",
        f"keeps the {CACHE_LIMITS[0]} most recently used entries and at most "
        f"{CACHE_LIMITS[1] // 10**6} MB",
        f"makes chunks of {DEFAULT_CHUNK} dreams",
        f"shares no run of {DEFAULT_NOVELTY_WORDS} words with the corpus",
        f"{DEFAULT_MIN_WORDS} to {DEFAULT_MAX_WORDS} words",
        f"no new sentence in {DEFAULT_TRIES:,} tries",
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
    from dreamgen.corpus_lint import DEFAULT_MIN_OWN_WORDS, DEFAULT_MIN_SHARE

    assert f"under {DEFAULT_MIN_SHARE:.0%} of the sentences of the beats it writes" in guide
    assert f"at the default `--corpus-weight`, under {DEFAULT_MIN_OWN_WORDS} words" in guide
    forms = re.search(r"<!-- cast-forms -->(.*)<!-- /cast-forms -->", guide, re.S)[1]
    for a in pushes:
        assert f"| `#{a.target}#` | `{a.rules[0][0].symbol}` |" in guide, a.target
        assert f"| `{a.rules[0][0].symbol}` | " in forms, a.target


def test_guide_example_and_micro_figures_are_the_codes():
    from dreamgen.cli import LENGTH_HELP
    from test_examples import SEEDS

    guide = _flat("docs/grammar.md")
    summary = update_readme.check_summary()
    beats = re.search(r"\d+ beats", summary)[0]
    assert f"# ok: ... symbols, {beats}, ..." in guide, summary
    assert f"`tests/test_examples.py` runs this overlay for {len(SEEDS)} dreams" in guide
    # tests/test_compose.py holds the longest micro dream the grammar can write to this figure.
    assert "one paragraph of at most 500 characters" in LENGTH_HELP
    assert "longest micro dream the grammar can write is under 500 characters" in guide


def test_readme_gives_one_sentence_length_everywhere():
    from dreamgen.markov import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS

    spans = re.findall(r"(\d+) to (\d+) words", _flat("README.md"))
    assert len(spans) >= 2 and set(spans) == {(str(DEFAULT_MIN_WORDS), str(DEFAULT_MAX_WORDS))}


def test_readme_chain_and_filter_figures_are_the_codes(builtin_report, dreamer):
    import signal

    from dreamgen.cli import expand
    from dreamgen.corpus import corpus_files
    from dreamgen.settings import DEFAULT_MIN_SPREAD, DEFAULT_SAMPLE_WALKS, DEFAULT_STATE_SIZE
    from dreamgen.markov.filters import DEFAULT_ECHO_WORDS
    from dreamgen.markov.novelty import DEFAULT_NOVELTY_WORDS
    from dreamgen.resources import builtin_path

    sys.path.insert(0, str(ROOT / "bench"))
    import naive

    codes = {name: 128 + getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")}
    depth = next(p for p in expand.params if p.name == "max_depth").type.max
    vignettes = len(list(corpus_files(builtin_path("corpus"))))
    walks = builtin_report["markov_attempts_per_sentence"]
    pools = [n for n in map(len, map(dreamer.models.pool, dreamer.models.chains)) if n]
    readme = _flat("README.md")
    # The chain's context is --state-size words after a hinge word and one more elsewhere.
    for claim in [
        f"with {WORDS[DEFAULT_STATE_SIZE]} words of context there (`--state-size`) and "
        f"{WORDS[DEFAULT_STATE_SIZE + 1]} everywhere else",
        f"No sentence may share {WORDS[DEFAULT_NOVELTY_WORDS]} words in a row with the corpus",
        f"a corpus run of {WORDS[DEFAULT_NOVELTY_WORDS]} is one 64-bit hash",
        f"at least {DEFAULT_MIN_SPREAD:.1%} of the vignettes use",
        f"repeating no {WORDS[DEFAULT_ECHO_WORDS]} words already in the dream",
        f"the grown corpus ({vignettes} vignettes)",
        f"(`--max-depth` up to {depth})",
        "SIGINT, SIGTERM or SIGHUP ({SIGINT}, {SIGTERM}, {SIGHUP})".format(**codes),
        f"`bench/naive.py`: {WORDS[len(naive.beat_entries()[1])]} beats, each one pytracery flatten and "
        f"{WORDS[naive.SENTENCES_PER_BEAT]} compiled-markovify sentences",
        f"about {round(walks)} draws from its beat's pool each",
        f"walks each beat's chain {DEFAULT_SAMPLE_WALKS:,} times",
        f"({min(pools)} to {max(pools)} a beat)",
    ]:
        assert claim in readme, claim


def _percent(cell):
    return float(cell.split("%")[0])


def test_readme_blind_read_ranges_are_those_of_the_reads_table():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [r for r in _table(text, "read") if r[3] == "dreamgen"]
    by_read = {r[0].rsplit("-", 1)[1]: r for r in rows}

    def span(reads, column, fmt):
        values = [column(by_read[r]) for r in reads]
        return f"{fmt(min(values))}-{fmt(max(values))}"

    one = "{:.1f}".format
    readme = _flat("README.md")
    r11, r10 = by_read["r11"], by_read["r10"]
    for claim in [
        f"Markov {one(_percent(r11[4]))}% (at most 5%), grammar {one(_percent(r11[5]))}% (at "
        f"most 2%), all {one(_percent(r11[6]))}% (at most 3%)",
        f"{r11[7]} out-of-place sentences a dream",
        f"coherence {r11[8]} (at least 4), and none of 24",
        f"had {one(_percent(r10[4]))}% broken Markov sentences and {r10[7]} out of place",
        f"from {span(['r1', 'r2', 'r3', 'r4', 'r5'], lambda r: float(r[7]), one)} a dream in "
        f"r1-r5 to {span(['r6', 'r7'], lambda r: float(r[7]), one)} in r6-r7",
    ]:
        assert claim in readme, claim
    assert r11[9] == "0 of 24"
    # "two readers ... 12 dreamgen dreams ... three naive-pipeline dreams", in every read
    assert {r[2] for r in _table(text, "read")} == {"2"}
    assert {r[9].split(" of ")[1] for r in rows} == {str(12 * 2)}
    assert [r[9].split(" of ")[1] for r in _table(text, "read") if r[3] == "naive"] == [str(3 * 2)]
    assert "two readers who saw only the sheet, 12 dreamgen dreams" in readme
    assert "and three naive-pipeline dreams" in readme


def test_readme_transcripts_print_what_they_show(run, monkeypatch, tmp_path):
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = TRANSCRIPT.findall(text)
    assert [name for name, *_ in found] == ["mine.json", "colour.json", "notebook.txt"]
    monkeypatch.chdir(tmp_path)
    for name, content, command, shown in found:
        (tmp_path / name).write_text(content + "\n", encoding="utf-8")
        result = run(*shlex.split(command))
        assert (result.stdout + result.stderr).rstrip("\n") == shown, command
        # A check that finds errors says so on its last line, and fails too.
        failed = shown.startswith("Error: ") or re.match(r"[\d,]+ errors? ", shown.splitlines()[-1])
        assert result.exit_code == (1 if failed else 0), command


def test_readme_output_formats_are_the_renderers(dreamer):
    from dreamgen.output.render import SEPARATOR, render

    readme = _flat("README.md")
    two = render([dreamer.dream(0, length="micro"), dreamer.dream(1, length="micro")], "text")
    assert f"\n\n{SEPARATOR}\n\n" in two
    assert f"`text` separates two dreams with a line `{SEPARATOR}` between blank lines" in readme
    heading = render([dreamer.dream(42)], "markdown").splitlines()[0]
    assert f"(`{heading}`)" in readme
