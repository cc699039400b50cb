import json
import os
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import dreamgen
from dreamgen.cache import entries
from dreamgen.cli import cli
from dreamgen.output.render import SEPARATOR

from conftest import COLD_ARGS, ROOT


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert dreamgen.__version__ in result.output


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))


def test_every_command_has_help_with_an_example_and_every_option_is_shown(run):
    commands = list(_commands(cli))
    assert ("cache", "clear") in [path for path, _ in commands]
    for path, command in commands:
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        # A group's subcommands (cache info, cache clear) share the group's example.
        assert "Example" in result.output or len(path) > 1, path
        options = [p for p in command.get_params(click.Context(command))
                   if isinstance(p, click.Option)]
        assert "--help" in {o for p in options for o in p.opts}, path
        for option in options:
            assert option.help, (path, option.name)
            assert option.opts[0] in result.output, (path, option.opts[0])


def test_generate_prints_the_dream_of_the_seed(run, dreamer):
    result = run("generate", "--seed", "42")
    assert result.exit_code == 0
    assert result.output == dreamer.dream(42).text + "\n"


def test_count_prints_consecutive_dreams_with_a_separator(run, dreamer):
    result = run("generate", "--seed", "42", "--count", "3")
    parts = result.output.split(f"\n{SEPARATOR}\n\n")
    assert parts == [dreamer.dream(s).text + "\n" for s in (42, 43, 44)]


def test_jsonl_and_json_carry_the_same_records(run, dreamer):
    lines = run("generate", "--seed", "10", "--count", "2", "--format", "jsonl").output
    records = [json.loads(line) for line in lines.splitlines()]
    assert records == json.loads(run("generate", "--seed", "10", "--count", "2",
                                      "--format", "json").output)
    assert records[1] == dreamer.dream(11).to_dict()


def test_json_with_count_zero_is_an_empty_list(run):
    assert json.loads(run("generate", "--seed", "1", "--count", "0", "--format", "json").output) == []


def test_markdown_has_a_heading_per_dream_with_its_title_and_seed(run, dreamer):
    out = run("generate", "--seed", "5", "--count", "2", "--format", "markdown").output
    assert out.startswith(f"## {dreamer.dream(5).title} (dream 5)\n\n")
    assert f"\n## {dreamer.dream(6).title} (dream 6)\n\n" in out


def test_length_is_an_option_of_generate_explain_and_stats(run, dreamer):
    micro = dreamer.dream(42, length="micro")
    assert run("generate", "--seed", "42", "--length", "micro").output == micro.text + "\n"
    record = json.loads(run("explain", "--seed", "42", "-l", "micro", "-f", "json").output)
    assert record["text"] == micro.text and record["length"] == "micro"
    stats = json.loads(run("stats", "--count", "3", "--length", "short", "-f", "json").output)
    assert stats["length"] == "short" and list(stats["beat_reach"]) == [
        b.name for b in dreamer.arc.at_length("short")[0]]
    assert run("generate", "--length", "tiny").exit_code == 2


@pytest.mark.parametrize("count, note", [
    ("1", "seed: {s}  (dreamgen generate --seed {s} gives this dream again)"),
    ("3", "seeds: {s} to {e}  (dreamgen generate --seed {s} --count 3 gives these dreams again)"),
])
def test_the_seed_note_names_the_dream_or_the_range(count, note):
    result = CliRunner().invoke(cli, ["generate", "--count", count, "--format", "jsonl"])
    seeds = [json.loads(line)["seed"] for line in result.stdout.splitlines()]
    assert result.stderr.strip() == note.format(s=seeds[0], e=seeds[-1])


def test_the_seed_note_names_the_length_and_is_absent_for_count_0():
    result = CliRunner().invoke(cli, ["generate", "--length", "micro"])
    assert result.stderr.rstrip().endswith("--length micro gives this dream again)")
    result = CliRunner().invoke(cli, ["generate", "--count", "0"])
    assert result.exit_code == 0 and result.stdout == result.stderr == ""


def test_overlays_from_the_config_folder_are_named_on_stderr(write, tmp_path, monkeypatch):
    write("config/grammars/b.yaml", "+scents:\n  - tar\n")
    write("config/grammars/a.json", {"+fallers": ["glass harp"]})
    monkeypatch.setenv("DREAMGEN_CONFIG_DIR", str(tmp_path / "config"))
    result = CliRunner().invoke(cli, ["generate", "--seed", "1"])
    note = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert note == [f"note: using your overlays from {tmp_path / 'config' / 'grammars'}: "
                    "a.json, b.yaml (--no-user-grammars leaves them out)"]
    for args in (["--no-user-grammars"], ["--quiet"]):
        result = CliRunner().invoke(cli, ["generate", "--seed", "1", *args])
        assert "note:" not in result.stderr
    # docs/grammar.md: "generate, explain, stats, beats and check name them in one stderr line"
    for command in (["explain", "--seed", "1"], ["stats", "--count", "2"], ["beats"], ["check"]):
        result = CliRunner().invoke(cli, command)
        assert [line for line in result.stderr.splitlines() if line.startswith("note:")] == note, (
            command, result.stderr[-300:])


def test_help_documents_the_environment_and_the_text_separator(run):
    top = run("--help").output
    assert "DREAMGEN_CACHE_DIR" in top and "DREAMGEN_CONFIG_DIR" in top
    assert f"'{SEPARATOR}'" in " ".join(run("generate", "--help").output.split())


def test_cache_info_shows_path_size_and_entries_and_clear_empties_it(run, tmp_path,
                                                                     monkeypatch, seeds):
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path / "c"))
    # The run's built model, so generate is cold for the grammar only (and writes its entry)
    # without building the model again; a cold run writing both entries is checked below.
    (tmp_path / "c").mkdir()
    seeds.copy("builtin", only="model-")
    run("generate", "--seed", "1")
    info = run("cache", "info").output.splitlines()
    assert info[0] == f"path     {tmp_path / 'c'}"
    assert info[1].startswith("size     ") and info[1].endswith("in 2 entries")
    assert sorted(line.split()[0].split("-")[0] for line in info[2:]) == ["grammar", "model"]
    assert run("cache").output.splitlines()[0] == info[0]
    assert run("cache", "clear").output.startswith("removed 2 entries")
    assert run("cache", "info").output.splitlines()[1] == "size     0.0 MB in 0 entries"


def test_without_seed_a_seed_is_drawn_and_shown(run):
    result = CliRunner().invoke(cli, ["generate", "--format", "jsonl"])
    seed = json.loads(result.stdout)["seed"]
    assert f"--seed {seed}" in result.stderr
    again = run("generate", "--seed", str(seed), "--format", "jsonl").stdout
    assert again == result.stdout


def test_out_writes_the_same_bytes_as_stdout(run, tmp_path):
    out = tmp_path / "d.txt"
    assert run("generate", "--seed", "3", "--count", "2", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == run("generate", "--seed", "3", "--count", "2").output


def test_out_refuses_an_existing_file_without_force(run, tmp_path):
    out = tmp_path / "d.txt"
    out.write_text("keep me")
    result = run("generate", "--seed", "3", "--out", str(out))
    assert result.exit_code == 1
    assert "already exists" in result.output and str(out) in result.output
    assert out.read_text() == "keep me"
    assert run("generate", "--seed", "3", "--out", str(out), "--force").exit_code == 0
    assert out.read_text() != "keep me"


def test_beats_lists_the_arc(run):
    lines = run("beats").output.splitlines()
    assert len(lines) == 15
    assert lines[0].split()[1] == "invocation" and lines[-1].split()[1] == "waking"


def test_grammar_overlay_replaces_a_symbol(run, write):
    overlay = write("o.json", {"fallers": ["glass harp"]})
    out = run("generate", "--seed", "1", "--grammar", str(overlay)).output
    assert "glass harp" in out


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    ("{not json", "invalid JSON"),
    ({"omen": ["#nosuchsymbol#"]}, "unknown symbol 'nosuchsymbol'"),
])
def test_bad_grammar_is_a_one_line_error(run, write, tmp_path, content, expected):
    path = tmp_path / "missing.json" if content is None else write("g.json", content)
    result = run("generate", "--seed", "1", "--grammar", str(path))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert str(path) in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_two_paragraphs_of_untagged_prose_alone_still_dream_with_one_warning(run, write):
    path = write("small.md", "# Notes\n\nI walked by the river, and the water was the colour "
                             "of weak tea.\n\nLater the sky turned green, and a bell rang "
                             "somewhere under the hill.\n")
    result = run("generate", "--seed", "3", "--corpus", str(path), "--no-builtin-corpus")
    assert result.exit_code == 0 and result.stdout.startswith("I am dreaming.")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"warning: {path}: untagged text alone gives the Markov")


def test_empty_corpus_is_a_one_line_error(run, write):
    path = write("empty.txt", "   \n\n")
    result = run("generate", "--seed", "1", "--corpus", str(path))
    assert result.exit_code == 1
    assert f"{path}: no text in this corpus file" in result.output


def test_a_failed_run_leaves_no_output_file(run, write, tmp_path):
    out = tmp_path / "out.txt"
    bad = write("g.json", "{")
    assert run("generate", "--grammar", str(bad), "--out", str(out)).exit_code == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def _subprocess(args, hashseed, env_extra=None):
    env = dict(os.environ, PYTHONHASHSEED=str(hashseed), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "dreamgen", *args], capture_output=True,
                          env=env, cwd=ROOT, check=True).stdout


def test_output_is_identical_across_processes_and_hash_seeds(tmp_path, seeds):
    # The run's one cold build of the built-in model ran COLD_ARGS at hash seed 0 in a
    # process of its own, into a cache folder it made (conftest.py); warm runs read a copy.
    built = seeds.cold("builtin")
    cold = (built / "stdout").read_bytes()
    assert (built / "cache").is_dir()
    assert sorted(e.name.split("-")[0] for e in entries(built / "cache")) == ["grammar", "model"]
    shutil.copytree(built / "cache", tmp_path / "fresh")
    warm = _subprocess(COLD_ARGS, 1, {"DREAMGEN_CACHE_DIR": str(tmp_path / "fresh")})
    other = _subprocess(COLD_ARGS, 12345)
    assert cold == warm == other
    assert cold.count(b"\n") == 2


def test_python_dash_m_and_library_agree(dreamer):
    out = _subprocess(["generate", "--seed", "9"], 7)
    assert out.decode("utf-8") == dreamer.dream(9).text + "\n"


def test_check_prints_every_problem_and_exits_1(run, write):
    path = write("g.json", {"fallers": ["#nope#", "#material.nope#"], "extra": ["x"]})
    result = run("check", "--no-user-grammars", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}:3:7: unknown symbol 'nope' in rule 0 of 'fallers'"
    assert lines[1] == f"{path}:4:15: unknown modifier '.nope' in rule 1 of 'fallers'"
    assert lines[2] == f"{path}:6:3: warning: symbol 'extra' is never reached from the arc"
    assert lines[3].startswith("2 errors with 1 warning: ") and len(lines) == 4


def test_check_of_a_clean_overlay_prints_a_one_line_summary(run):
    result = run("check", "--no-user-grammars", str(ROOT / "examples" / "lantern.json"))
    assert result.exit_code == 0
    assert result.output.count("\n") == 1
    assert result.output.startswith("ok: ") and " symbols, 15 beats, " in result.output


def test_check_warnings_fail_only_with_strict(run, write):
    path = write("g.json", {"extra": ["x"]})
    assert run("check", "--no-user-grammars", str(path)).exit_code == 0
    assert run("check", "--no-user-grammars", "--strict", str(path)).exit_code == 1


def test_check_json_format(run, write):
    path = write("g.json", {"fallers": ["#nope#"]})
    result = run("check", "--no-user-grammars", "--format", "json", str(path))
    record = json.loads(result.output)
    assert result.exit_code == 1 and record["errors"] == 1
    assert record["problems"][0]["path"] == str(path)
    assert record["problems"][0]["message"].startswith("unknown symbol 'nope'")


def test_check_standalone_tracery_grammar(run, write):
    path = write("t.json", {"origin": ["#name# waves."], "name": ["Arjun", "Yuuma"]})
    result = run("check", "--standalone", str(path))
    assert (result.exit_code, result.output) == (
        0, "ok: 2 symbols, 1 lexicon of 2 entries (2 in all)\n")


def test_mine_writes_a_yaml_overlay_that_generate_accepts(run, tmp_path):
    out = tmp_path / "mined.yaml"
    result = run("mine", str(ROOT / "docs" / "source-dream.txt"), "--out", str(out))
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Proposed by")
    assert run("check", "--no-user-grammars", str(out)).exit_code == 0
    assert run("generate", "--seed", "1", "--grammar", str(out)).exit_code == 0
    assert run("mine", str(ROOT / "docs" / "source-dream.txt"), "--out", str(out)).exit_code == 1


def test_mine_json_out_writes_a_sources_sidecar_and_lists_rare_entries(run, tmp_path):
    out = tmp_path / "mined.json"
    result = run("mine", "--no-user-grammars", str(ROOT / "docs" / "source-dream.txt"),
                 "--out", str(out))
    assert result.exit_code == 0
    sidecar = json.loads((tmp_path / "mined.sources.json").read_text(encoding="utf-8"))
    assert set(sidecar) - {""} == set(json.loads(out.read_text(encoding="utf-8")))
    # JSON has no comments, so the rare entries and why are on stderr.
    assert "  +glows 'rose-gold': rare: in " in result.stderr


def test_mine_s_own_output_passes_check_strict(run, tmp_path):
    out = tmp_path / "mined.yaml"
    assert run("mine", str(ROOT / "docs" / "source-dream.txt"), "--out", str(out)).exit_code == 0
    assert run("check", "--strict", "--no-user-grammars", str(out)).exit_code == 0


def test_mine_says_plainly_when_it_finds_nothing(run, tmp_path):
    empty = tmp_path / "plain.txt"
    empty.write_text("Nothing here at all.\n", encoding="utf-8")
    out = tmp_path / "mined.yaml"
    result = run("mine", str(empty), "--out", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (f"nothing found in {empty}: no colours, scents, sounds, materials, "
                             "similes ('like ...') or 'as if' clauses; nothing written\n")
    assert not out.exists()


@pytest.mark.parametrize("weight", ["-1", "nan", "inf", "heavy"])
def test_overlay_weight_must_be_a_finite_number_0_or_more(run, weight):
    for command in ("generate", "mine"):
        result = run(command, "--overlay-weight", weight, str(ROOT / "docs" / "source-dream.txt")
                     if command == "mine" else "--seed=1")
        assert result.exit_code == 2 and "--overlay-weight" in result.output, (command, weight)


def test_overlay_weight_changes_only_dreams_with_an_overlay(run, write):
    plain = [run("generate", "--seed", "3", "--overlay-weight", w).output for w in ("0", "1", "5")]
    assert plain[0] == plain[1] == plain[2]
    overlay = write("o.json", {"+scents": ["burnt sugar"]})
    made = {w: run("generate", "--seed", "0", "--count", "20", "--format", "jsonl", "-q",
                   "--grammar", str(overlay), "--overlay-weight", w).output for w in ("0", "9")}
    assert made["9"].count("burnt sugar") > made["0"].count("burnt sugar")


def test_generate_names_the_first_check_error_and_how_many_more(run, write):
    path = write("g.json", {"fallers": ["#nope#", "#nada#"]})
    result = run("generate", "--seed", "1", "--grammar", str(path))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:3:7: unknown symbol 'nope'")
    assert f"(and 1 more; run 'dreamgen check {path}')" in result.output


def test_readme_check_transcript_is_true(run):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("nothing reaches. A clean grammar prints one summary line:")[1]
    shown = shown.split("```text\n")[1].split("```")[0]
    result = run("check", "--no-user-grammars", str(ROOT / "examples" / "lantern.json"))
    assert result.output == shown, "update the `dreamgen check` transcript in README.md"


def test_author_guide_and_readme_name_the_new_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/grammar.md" in readme
    for name in ("check", "mine"):
        assert f"dreamgen {name}" in readme
        assert f"dreamgen {name}" in (ROOT / "docs" / "grammar.md").read_text(encoding="utf-8")


# -- expand ----------------------------------------------------------------------------

BOT = {"origin": ["#greeting.capitalize#, #place#!"], "greeting": ["hello", "hey"],
       "place": ["world", "moon", "sea"]}


def test_expand_gives_the_library_text_for_each_seed(run, write):
    from dreamgen.grammar import tracery

    path = write("bot.json", BOT)
    loaded = tracery.load(path)
    result = run("expand", str(path), "--seed", "4", "--count", "3")
    assert result.exit_code == 0
    assert result.stdout == "".join(tracery.expand(loaded, seed=s) + "\n" for s in (4, 5, 6))


def test_expand_without_a_seed_names_the_one_it_drew(run, write):
    result = run("expand", str(write("bot.json", BOT)))
    seed = int(result.stderr.split("seed: ")[1].split()[0])
    assert result.stdout == run("expand", str(write("bot.json", BOT)), "--seed",
                                str(seed)).stdout


def test_expand_jsonl_and_trace_carry_the_tree(run, write):
    path = write("bot.json", BOT)
    lines = run("expand", str(path), "--seed", "2", "--count", "2", "--format", "jsonl",
                "--trace").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seed"] for r in records] == [2, 3]
    assert all(r["trace"]["text"] == r["text"] for r in records)
    assert [c["symbol"] for c in records[0]["trace"]["children"]] == ["greeting", "place"]
    listed = json.loads(run("expand", str(path), "--seed", "2", "--count", "2",
                            "--format", "json").stdout)
    assert [r["text"] for r in listed] == [r["text"] for r in records]


def test_expand_warns_about_unreached_problems_and_strict_refuses_them(run, write):
    path = write("bot.json", {**BOT, "unused": ["#typo#"]})
    result = run("expand", str(path), "--seed", "1")
    assert result.exit_code == 0
    assert f"{path}:15:7: warning: unknown symbol 'typo' in rule 0 of 'unused'" in result.stderr
    strict = run("expand", str(path), "--seed", "1", "--strict")
    assert strict.exit_code == 1 and "unknown symbol 'typo'" in strict.output


# A plain grammar with a problem in every part that origin never reaches.
DEAD_PARTS = (b'{"origin": "#place#", "place": "sea",\n'
              b' "typo": "#nosuch#", "n": null, "comment.note": "x", "brk": "a []",\n'
              b' "num": 5, "twice": "a", "twice": "b"}\n')


def test_check_standalone_warns_about_unreached_problems_and_strict_refuses_them(run, write):
    path = write("dead.json", DEAD_PARTS)
    result = run("check", "--standalone", str(path))
    assert result.exit_code == 0, result.output
    for found in (f"{path}:2:12: warning: unknown symbol 'nosuch' in rule 0 of 'typo'",
                  f"{path}:2:22: warning: symbol 'n' is null",
                  f"{path}:2:33: warning: bad symbol name 'comment.note'",
                  f"{path}:2:64: warning: empty action '[]' in rule 0 of 'brk'",
                  f"{path}:3:2: warning: symbol 'num' is a number",
                  f"{path}:3:26: warning: duplicate key 'twice' in one file"):
        assert found in result.output
    assert result.output.splitlines()[-1].startswith("ok with ")
    assert run("check", "--standalone", "--strict", str(path)).exit_code == 1
    assert run("expand", str(path), "--seed", "0").stdout == "sea\n"


def test_a_problem_in_a_reached_part_of_a_standalone_grammar_stays_an_error(run, write):
    path = write("live.json", b'{"origin": "#place#", "place": "sea", "place": "#nosuch#"}')
    result = run("check", "--standalone", str(path))
    assert result.exit_code == 1
    assert f"{path}:1:39: duplicate key 'place' in one file" in result.output.splitlines()


def test_expand_strict_points_to_check_standalone(run, write):
    path = write("two.json", {"origin": "ok", "a": "#nope#", "b": "#nada#"})
    result = run("expand", str(path), "--seed", "0", "--strict")
    assert result.exit_code == 1
    assert f"(and 1 more; run 'dreamgen check --standalone {path}')" in result.output


def test_check_reports_a_tags_own_push_read_in_another_rule(run, write):
    path = write("tagpush.json", {"origin": "#[x:A]inside# then #outside#",
                                  "inside": "#x#", "outside": "#x#"})
    result = run("check", "--standalone", str(path))
    assert result.exit_code == 1
    assert (f"{path}:4:14: #x# in rule 0 of 'outside' reads 'x', which only a tag's own push "
            "sets (in rule 0 of 'origin'), but 'outside' can be expanded outside that tag"
            ) in result.output
    assert "'inside'" not in result.output  # read inside the tag that pushes it: fine


def test_generate_runs_a_plain_grammar_with_dead_parts_and_points_to_check_standalone(
        run, write):
    path = write("dead.json", DEAD_PARTS)
    result = run("generate", "--seed", "1", "--grammar", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == run("generate", "--seed", "1").stdout
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}: the arc reaches none of its ")
    assert len(lines) == 7 and lines[1].startswith(f"{path}:2:12: warning: unknown symbol")
    assert lines[6] == f"... and 1 more warning (run 'dreamgen check --standalone {path}')"


def test_expand_takes_every_limit_and_a_depth_past_100(run, write):
    rules = {f"s{i}": [f"#s{i + 1}#"] for i in range(150)}
    path = write("deep.json", {**rules, "s150": ["bottom"], "origin": ["#s0#"]})
    assert run("expand", str(path), "--seed", "0").exit_code == 1
    result = run("expand", str(path), "--seed", "0", "--max-depth", "200", "--max-nodes",
                 "500", "--max-chars", "10")
    assert result.exit_code == 0 and result.stdout == "bottom\n"
    small = run("expand", str(path), "--seed", "0", "--max-depth", "200", "--max-chars", "5")
    assert "dream longer than 5 characters" in small.output


# -- overlays that change nothing, or replace a beat -----------------------------------

def test_an_overlay_the_arc_never_reaches_says_so_and_points_to_expand(run, write):
    path = write("bot.json", BOT)
    result = run("generate", "--seed", "1", "--grammar", str(path))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}: the arc reaches none of its 3 symbols, so it changes nothing (it has "
        f"'origin': a plain Tracery grammar?); run 'dreamgen expand {path}' to expand it "
        "alone, or add a '$arc' section to weave it into the dream\n")


def test_generate_refuses_an_overlay_below_the_quality_floor_in_one_line(run, write):
    path = write("fall.json", '{"fall": ["I watch the #fallen# fall and we weep."]}')
    result = run("generate", "--seed", "1", "--no-user-grammars", "--grammar", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"Error: {path}:1:11: rule 0 of 'fall' says 'I'; a dream speaks to "
                             "you, never in the first person (and 1 more; run 'dreamgen check "
                             f"{path}')\n")


def test_an_overlay_that_replaces_a_beat_entry_names_the_beat(run, write):
    path = write("omen.json", {"omen": ["all iron rusts around you"]})
    result = run("generate", "--seed", "1", "--grammar", str(path))
    assert result.exit_code == 0
    assert (f"{path}:2:3: note: 'omen' replaces the entry symbol of beat 'omen', which now "
            "says only this file's rules (write '+omen' to add to them instead)") in result.stderr


def test_generate_shows_five_warnings_then_a_count(run, write):
    rules = {f"spare{i}": ["x"] for i in range(8)}
    path = write("spare.json", {"+omen": ["You hear #spare0#."], **rules})
    lines = run("generate", "--seed", "1", "--grammar", str(path)).stderr.splitlines()
    assert len(lines) == 6
    assert all("warning: symbol 'spare" in line for line in lines[:5])
    assert lines[5] == f"... and 2 more warnings (run 'dreamgen check {path}')"
    assert run("generate", "--seed", "1", "-q", "--grammar", str(path)).stderr == ""


# -- the command line formats nothing itself ----------------------------------------------

PACKAGE = ROOT / "dreamgen"


def _imports(path):
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_only_the_cli_imports_click():
    users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                   if any(n.split(".")[0] == "click" for n in _imports(p)))
    assert users == ["cli.py"]


def test_only_the_cli_and_the_run_modules_import_the_output_formats():
    users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                   if "output" not in p.relative_to(PACKAGE).parts
                   and any(n.lstrip(".").split(".")[0] == "output" for n in _imports(p)))
    assert users == ["batch.py", "cli.py", "verify.py"]


def test_the_cli_leaves_every_format_to_a_library_renderer():
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert "json" not in _imports(PACKAGE / "cli.py")
    assert "json.dumps" not in source and "strftime" not in source


def test_an_unforeseen_error_in_any_command_is_one_line(run, monkeypatch):
    import dreamgen.cache

    def broken():
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(dreamgen.cache, "entries", broken)
    result = run("cache", "info")
    assert result.exit_code == 1
    assert result.output == ("Error: internal error (ZeroDivisionError: boom); rerun with "
                             "'dreamgen --debug ...' for the traceback and report it\n")
    result = CliRunner().invoke(cli, ["--debug", "cache", "info"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_dreamgen_error_in_a_subcommand_is_its_own_message(run, monkeypatch):
    import dreamgen.cache
    from dreamgen.errors import OutputError

    def refused():
        raise OutputError("cannot remove", path="/nowhere")

    monkeypatch.setattr(dreamgen.cache, "clear", refused)
    result = run("cache", "clear")
    assert result.exit_code == 1 and result.output == "Error: /nowhere: cannot remove\n"

