"""Every bad input reaches the user as one line, exit 1, and leaves the disk as it was."""

import json
import os

import pytest
from click.testing import CliRunner

from dreamgen.cli import cli


def snapshot(*folders):
    """Every file under ``folders``: path -> (bytes, mtime); what "nothing changed" means."""
    seen = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                p = os.path.join(root, name)
                with open(p, "rb") as f:
                    seen[p] = (f.read(), os.stat(p).st_mtime_ns)
    return seen


@pytest.fixture
def put(write):
    """Like ``write``, but JSON on one line, so the expected columns are easy to read."""

    def _put(name, content):
        if isinstance(content, (dict, list)):
            content = json.dumps(content)
        return write(name, content)

    return _put


@pytest.fixture
def fails(tmp_path, dreamer):
    """Run the CLI, expect ``Error: <message>`` alone and the exit code; check the disk.

    ``dreamer`` warms the model cache first: errors found while dreaming come after the
    model is loaded, and a cache already there must not be touched either.
    """

    def _fails(args, message, code=1):
        cache = os.environ["DREAMGEN_CACHE_DIR"]
        before = snapshot(tmp_path, cache)
        result = CliRunner().invoke(cli, [str(a) for a in args])
        assert result.exit_code == code, result.output
        # An overlay that replaces a beat's entry symbol is noted first (see test_cli).
        notes = [line for line in result.output.splitlines(True) if ": note: " in line]
        assert result.output == "".join(notes) + f"Error: {message}\n"
        assert "Traceback" not in result.output
        after = snapshot(tmp_path, cache)
        # A grammar that loads cleanly may be remembered (a new grammar-*.bin) before the
        # dream fails; nothing that was there before may change.
        new = {p for p in set(after) - set(before) if os.path.basename(p).startswith("grammar-")}
        # Making room for it, the bounded cache may evict least recently used entries.
        evicted = {p for p in set(before) - set(after) if new and os.path.dirname(p) == cache
                   and os.path.basename(p).startswith(("grammar-", "model-"))}
        # A load marks the cache entries it used (their times move on), but none may change.
        def kept(snap):
            return {p: v[0] if os.path.dirname(p) == cache else v for p, v in snap.items()}

        assert {p: v for p, v in kept(after).items() if p not in new} == {
            p: v for p, v in kept(before).items() if p not in evicted}
        return result

    return _fails


def _name_error(key):
    return (f"1:2: bad symbol name {key!r}: names cannot contain '.', '#', '[' or ']' "
            "or start or end with spaces; rename it")


_MOD_HINT = "; give it text it can take or remove the modifier"

# (file name, content (bytes, str or JSON value), expected message after "PATH:")
GRAMMAR_CASES = [
    ("invalid.json", '{"omen": ["a",\n  ]}', "2:3: invalid JSON: Expecting value"),
    ("latin1.json", b'{"omen": ["caf\xe9"]}',
     " not UTF-8 text (bad byte 0xe9 at byte offset 14); save it as UTF-8"),
    ("bom-latin1.json", b'\xef\xbb\xbf{"omen": ["caf\xe9"]}',
     " not UTF-8 text (bad byte 0xe9 at byte offset 17); save it as UTF-8"),
    ("list.json", ["omen"], "1:1: top level is a JSON list, expected an object of symbols"),
    ("string.json", "\"omen\"", "1:1: top level is a JSON str, expected an object of symbols"),
    ("empty-list.json", {"omen": []},
     "1:2: symbol 'omen' has an empty list of rules; give it at least one rule"),
    ("number.json", {"omen": 5},
     "1:2: symbol 'omen' is a number; a rule must be a string or a list of strings"),
    ("null.json", {"omen": None},
     "1:2: symbol 'omen' is null; a rule must be a string or a list of strings"),
    ("object.json", {"omen": {"a": "b"}},
     "1:2: symbol 'omen' is an object; a rule must be a string or a list of strings"),
    ("nested.json", {"omen": ["a", ["b"]]},
     "1:2: rule 1 of symbol 'omen' is a nested list; rules must be strings"),
    ("number-rule.json", {"omen": ["a", 3]},
     "1:2: rule 1 of symbol 'omen' is a number; rules must be strings"),
    ("undefined.json", {"omen": ["#nosuchsymbol#"]},
     "1:13: unknown symbol 'nosuchsymbol' in rule 0 of 'omen'"),
    ("unknown-mod.json", {"omen": ["You see #fallers.shout#"]},
     "1:28: unknown modifier '.shout' in rule 0 of 'omen'"),
    ("replace.json", {"omen": ["You see #word.replace(a)#"], "word": ["glass"]},
     "1:11: modifier '.replace' failed on 'glass' in #word.replace(a)# (in 'omen')" + _MOD_HINT),
    # A good first rule keeps 'omen' able to finish and speaking to you, so each case has
    # one problem.
    ("unclosed.json", {"omen": ["you", "#fallers"]},
     "1:18: unclosed '#' in rule 1 of 'omen': this tag has no closing '#'"),
    ("open-bracket.json", {"omen": ["you", "[x:y"]},
     "1:18: unclosed '[' in rule 1 of 'omen': this action has no closing ']'"),
    ("close-bracket.json", {"omen": ["you", "x:y]"]},
     "1:22: unbalanced ']' in rule 1 of 'omen': it closes no '['"),
    ("two-mains.json", {"omen": ["you", "#a[x:y]b#"], "a": ["a"], "b": ["b"]},
     "1:18: tag #a[x:y]b# has text after its modifiers; a tag is #symbol.modifier# in rule 1 "
     "of 'omen'"),
    ("pop-unpushed.json", {"omen": ["[zz:POP]You wait."]},
     "1:11: [zz:POP] in rule 0 of 'omen' pops 'zz', which nothing ever pushes"),
    ("pop-twice.json", {"omen": ["[x:a][x:POP][x:POP]You wait."]},
     "1:11: 'x' is popped more often than it is pushed in rule 0 of 'omen', and no other "
     "rule pushes it"),
    # Pushed in one symbol, popped twice in another: only running it finds this.
    ("pop-elsewhere.json", {"omen": ["You wait.#a##b#"], "a": ["[x:1]"],
                            "b": ["[x:POP][x:POP]"]},
     "1:53: [x:POP] with nothing pushed (in 'b'); push 'x' before popping it"),
    ("duplicate.json", '{"omen": ["you"],\n "omen": ["you"]}',
     "2:2: duplicate key 'omen' in one file"),
    ("python.yaml", 'omen: !!python/object/apply:os.system ["echo hi"]\n',
     "1:7: YAML tag !!python/object/apply:os.system is refused: a grammar holds only plain "
     "strings, and dreamgen's safe loader builds no Python objects"),
    ("python-name.yaml", "omen: !!python/name:os.system ''\n",
     "1:7: YAML tag !!python/name:os.system is refused: a grammar holds only plain "
     "strings, and dreamgen's safe loader builds no Python objects"),
    ("yes.yaml", "omen: [yes]\n", "1:8: rule 0 of 'omen' is a YAML bool, not a string (quote it)"),
    ("date.yaml", "omen:\n  - 2001-01-01\n",
     "2:5: rule 0 of 'omen' is a YAML timestamp, not a string (quote it)"),
    ("duplicate.yaml", "omen: you\nomen: you\n", "2:1: duplicate key 'omen' in one file"),
    ("deep.json", "[" * 100_000 + "]" * 100_000,
     " invalid JSON: nested too deeply (a grammar is an object of symbols to strings or lists "
     "of strings)"),
    ("long-int.json", '{"omen": ' + "1" * 5000 + "}",
     " invalid JSON: Exceeds the limit (4300 digits) for integer string conversion (rules must "
     "be strings)"),
    ("surrogate.json", '{"omen": ["\\ud800 x"]}',
     "1:11: rule 0 of symbol 'omen' holds a lone surrogate escape (such as \\ud800), which is "
     "not a character; remove it"),
    ("arc-python.yaml", '$arc: !!python/object/apply:os.system ["echo hi"]\n',
     "1:7: YAML tag !!python/object/apply:os.system is refused: a grammar holds only plain "
     "strings, and dreamgen's safe loader builds no Python objects"),
    ("arc-list.json", {"$arc": {"entries": ["omen"]}},
     "1:2: '$arc' 'entries' must map beat names to symbol names"),
    ("arc-suffix.json", {"$arc": {"entry_suffix": 5}},
     "1:2: '$arc' 'entry_suffix' must be a non-empty string"),
]


@pytest.mark.parametrize("name, content, expected", GRAMMAR_CASES,
                         ids=[c[0] for c in GRAMMAR_CASES])
def test_bad_grammar_gets_its_own_one_line_error(fails, put, name, content, expected):
    path = put(name, content)
    # The dream number matters only for the modifier cases, which fail when expanded.
    fails(["generate", "--seed", "1", "--grammar", path], f"{path}:{expected}")


@pytest.mark.parametrize("key", ["a.b", "a#b", "a[b", " ab", "ab "])
def test_a_bad_symbol_name_no_tag_can_reach_is_a_warning(put, key):
    # No tag can name it, so the references would never run it: a warning, not a refusal.
    path = put("name.json", {key: "x"})
    result = CliRunner().invoke(cli, ["generate", "--seed", "1", "--grammar", path])
    assert result.exit_code == 0
    assert f"{path}:{_name_error(key)}".replace(": bad", ": warning: bad") in result.output


def test_a_bom_is_accepted(write):
    path = write("bom.json", b'\xef\xbb\xbf{"fallers": ["glass harp"]}')
    result = CliRunner().invoke(cli, ["generate", "--seed", "1", "--grammar", str(path)])
    assert result.exit_code == 0 and "glass harp" in result.output


def test_a_missing_grammar_is_named(fails, tmp_path):
    path = tmp_path / "nope.json"
    fails(["generate", "--grammar", path], f"{path}: no such file")


def test_a_directory_as_grammar_is_named(fails, tmp_path):
    fails(["generate", "--grammar", tmp_path], f"{tmp_path}: is a directory, expected a "
          "grammar file")


def test_an_unreadable_grammar_is_named(fails, write):
    path = write("secret.json", "{}")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        fails(["generate", "--grammar", path], f"{path}: cannot read: Permission denied")
    finally:
        path.chmod(0o644)


def _builtin_sizes(folder, pattern):
    from dreamgen.resources import builtin_dir

    return [p.stat().st_size for p in builtin_dir(folder).glob(pattern)]


def test_a_grammar_over_the_size_limit_is_refused(fails, write):
    limit = max(_builtin_sizes("grammars", "*.json")) + 1000
    path = write("big.json", {"omen": ["x" * limit]})
    fails(["generate", "--grammar", path, "--max-grammar-bytes", limit],
          f"{path}: grammar file is over the limit of {limit:,} bytes "
          "(raise it with --max-grammar-bytes)")


def test_an_endless_grammar_file_is_refused_without_reading_it_all(fails):
    fails(["generate", "--grammar", "/dev/zero"],
          "/dev/zero: grammar file is over the limit of 2,000,000 bytes "
          "(raise it with --max-grammar-bytes)")


def test_the_error_names_the_overlay_line_of_an_appended_rule(fails, write):
    path = write("append.json",
                 '{\n "+omen": [\n  "You see #word.replace(a)#"\n ],\n "word": ["glass"]\n}')
    # omen's own rules come first; the appended one is drawn for some seeds only.
    for seed in range(40):
        result = CliRunner().invoke(cli, ["generate", "--seed", str(seed), "--grammar", str(path)])
        if result.exit_code:
            break
    assert result.output == (f"Error: {path}:3:3: modifier '.replace' failed on 'glass' in "
                             f"#word.replace(a)# (in 'omen'){_MOD_HINT}\n")


# -- corpora ---------------------------------------------------------------------------

_NO_TEXT = ("no text in this corpus file (it is empty, or holds only blank, header or ':: beat' "
            "lines); add sentences of your dream")
_NO_SENTENCES = ("no usable sentences in this corpus file: the Markov model learns from none of "
                 "them (each has quotes, brackets or markovify's ___BEGIN__/___END__); run "
                 "'dreamgen check {path}' to see each")
_CAST = ("(the cast: colour, fallen, flowers, garments, glow, material, scent, trail, water, "
         "witnesses)")

CORPUS_CASES = [
    ("empty.txt", "", _NO_TEXT),
    ("blank.txt", "  \n\t\n\n   \n", _NO_TEXT),
    ("header-only.txt", "title: T\n:: omen\n\n", _NO_TEXT),
    ("filtered.txt", 'You say "hello" to the moon.\n\n(You whisper to the reeds.)\n',
     _NO_SENTENCES),
    ("reserved.txt", "You see ___BEGIN__ in the sky.\nYou hear ___END__ in the sea.\n",
     _NO_SENTENCES),
    ("plural.txt", "We walk to the sea.\nThe sky opens over us.\n",
     "1:1: no usable sentences in this corpus file: all 2 are in the first person and cannot be "
     "turned to 'you' safely (the first it says 'We': would 'you' be one person or many?); "
     "run 'dreamgen check {path}' for each"),
    ("latin1.txt", b"You walk into the caf\xe9.\n",
     "not UTF-8 text (bad byte 0xe9 at byte offset 21); save it as UTF-8"),
    ("binary.txt", b"You walk\x00 into \x89PNG\r\n",
     "binary data (a NUL byte at byte offset 8), expected UTF-8 text; give a plain text file"),
    ("unknown-beat.txt", ":: nightmare\nYou run.\n",
     "1:4: unknown beat 'nightmare' (beats: invocation, threshold, omen, fall, impact, grief, "
     "stillness, approach, wound, touch, wish, renewal, rekindling, communion, waking)"),
    ("typo-beat.txt", ":: grif\nYou run.\n", "1:4: unknown beat 'grif'; did you mean 'grief'?"),
    ("unknown-tag.txt", "You see the #dragon# fall.\n",
     f"1:13: unknown tag #dragon#: no grammar symbol or cast variable 'dragon' {_CAST}"),
    ("typo-tag.txt", "You smell the #scnt# of rain.\n",
     "1:15: unknown tag #scnt#: no grammar symbol or cast variable 'scnt'; did you mean "
     "'scent'?"),
    ("unknown-mod.txt", "You see the #fallen.shout# fall.\n",
     "1:13: unknown modifier '.shout' in #fallen.shout#"),
    ("unbalanced.txt", "You see the #fallen# and\nthe #water fall.\n",
     "2:5: unbalanced '#' in a paragraph: this '#' opens no tag that closes (a tag is #name#)"),
]


@pytest.mark.parametrize("name, content, expected", CORPUS_CASES,
                         ids=[c[0] for c in CORPUS_CASES])
def test_bad_corpus_gets_its_own_one_line_error(fails, write, name, content, expected):
    path = write(name, content)
    sep = "" if expected[0].isdigit() else " "
    expected = expected.replace("{path}", str(path))
    if "did you mean 'grief'" in expected:
        expected += " (beats: " + _BEATS + ")"
    fails(["generate", "--seed", "1", "--corpus", path], f"{path}:{sep}{expected}")


_BEATS = ("invocation, threshold, omen, fall, impact, grief, stillness, approach, wound, touch, "
          "wish, renewal, rekindling, communion, waking")


def test_a_one_sentence_file_beside_the_built_in_corpus_is_welcome(write, run):
    path = write("tiny.txt", "You walk into the dark sea and the cold sky is red.\n")
    result = run("generate", "--seed", "1", "--corpus", str(path))
    assert result.exit_code == 0 and result.stdout.startswith("I am dreaming.")
    # Welcome, and told once how little it adds (tests/test_corpus_lint.py has the measure).
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"warning: {path} adds little: 1 sentence (12 words)")


def test_a_missing_corpus_is_named(fails, tmp_path):
    fails(["generate", "--corpus", tmp_path / "nope.txt"], f"{tmp_path / 'nope.txt'}: no such file")


def test_a_folder_without_corpus_files_is_named(fails, tmp_path):
    (tmp_path / "notes.rtf").write_text("You dream.")
    fails(["generate", "--corpus", tmp_path],
          f"{tmp_path}: folder holds no corpus files; corpus files end in .txt or .md")


def test_a_corpus_over_the_size_limit_is_refused(fails, write):
    limit = sum(_builtin_sizes("corpus", "*.txt")) + 1000
    path = write("c.txt", "You walk into the sea. " * 100)
    fails(["generate", "--corpus", path, "--max-corpus-bytes", limit],
          f"{path}: corpus passes the limit of {limit:,} bytes here "
          "(raise it with --max-corpus-bytes)")


def test_an_endless_corpus_is_refused_without_reading_it_all(fails):
    limit = sum(_builtin_sizes("corpus", "*.txt")) + 1000
    fails(["generate", "--corpus", "/dev/zero", "--max-corpus-bytes", limit],
          f"/dev/zero: corpus passes the limit of {limit:,} bytes here "
          "(raise it with --max-corpus-bytes)")


# -- arguments, debug, internal errors -------------------------------------------------

@pytest.mark.parametrize("args", [
    ["generate", "--state-size", "6"],
    ["generate", "--state-size", "0"],
    ["generate", "--seed", "-1"],
    ["generate", "--format", "pdf"],
    ["generate", "--max-depth", "2001"],
    ["generate", "--markov-tries", "0"],
    ["generate", "--no-such-option"],
    ["no-such-command"],
])
def test_bad_arguments_exit_2_without_a_traceback(tmp_path, args):
    before = snapshot(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.startswith("Usage: ") and "Error: " in result.output
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before


def test_debug_shows_the_traceback(write):
    path = write("g.json", "{")
    result = CliRunner().invoke(cli, ["--debug", "generate", "--grammar", str(path)])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "GrammarError"
    assert result.exc_info[2] is not None  # the traceback Python will print


def test_debug_traceback_is_printed_by_the_real_program(write):
    import subprocess
    import sys

    path = write("g.json", "{")
    done = subprocess.run([sys.executable, "-m", "dreamgen", "--debug", "generate",
                           "--grammar", str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("dreamgen.errors.GrammarError: ")


def test_an_unforeseen_error_is_still_one_line(fails, monkeypatch):
    import dreamgen.cache

    def broken(*a, **k):
        raise KeyError("boom")

    # Both ways to the model (the warm start's cache read, the cold build) are looked up
    # in dreamgen.cache when a load runs, so patching them there breaks whichever is taken.
    monkeypatch.setattr(dreamgen.cache, "cached_models", broken)
    monkeypatch.setattr(dreamgen.cache, "load_models", broken)
    fails(["generate", "--seed", "1"], "internal error (KeyError: 'boom'); rerun with "
          "'dreamgen --debug ...' for the traceback and report it")


def test_the_readme_error_example_is_true(tmp_path, monkeypatch):
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ cat mine.json\n", 1)[1].split("$ dreamgen", 1)[0]
    command = "$ dreamgen generate --seed 1 --grammar mine.json\n"
    expected = readme.split(command, 1)[1].split("\n")[0]
    (tmp_path / "mine.json").write_text(block, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["generate", "--seed", "1", "--grammar", "mine.json"])
    assert result.exit_code == 1 and result.output == expected + "\n"


def test_did_you_mean_names_the_closest_candidate_with_its_prefix_or_suffix():
    from dreamgen.errors import did_you_mean

    assert did_you_mean("fallrs", {"fallers", "omen"}, prefix="+") == "; did you mean '+fallers'?"
    assert did_you_mean("wake", {"waking"}, suffix="Noir") == "; did you mean 'wakingNoir'?"
    assert did_you_mean("zzz", {"omen"}) == ""
