import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dreamgen
from dreamgen.corpus import read_document
from dreamgen.explain import CorpusIndex, explain, join_text
from dreamgen.output.explain import render, render_text
from dreamgen.output.explain_html import render_html
from dreamgen.resources import builtin_dir

SEEDS = st.integers(min_value=0, max_value=10**9)
ON_EVERY_SEED = settings(max_examples=40, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="session")
def index(dreamer):
    return CorpusIndex(dreamer.corpus)


@pytest.fixture(scope="session")
def record42(dreamer, index):
    return explain(dreamer, 42, index=index)


def sentences(record):
    return [s for b in record["beats"] for s in b["sentences"]]


def corpus_file(shown):
    assert shown.startswith("corpus/"), shown
    return builtin_dir("corpus") / shown[len("corpus/"):]


def grammar_file(shown):
    assert shown.startswith("grammars/"), shown
    return builtin_dir("grammars") / shown[len("grammars/"):]


# -- the record ----------------------------------------------------------------------------

def check_text(dreamer, record, seed):
    """The record's text, and its sentences joined back, are the dream's text."""
    text = dreamer.dream(seed).text
    assert record["text"] == text
    assert join_text(record) == text


@ON_EVERY_SEED
@given(seed=SEEDS)
def test_tracing_changes_nothing_in_the_dream(dreamer, seed):
    plain, traced = dreamer.dream(seed), dreamer.dream(seed, trace=True)
    assert traced == plain
    assert [(s.text, s.origin) for b in traced.beats for s in b.sentences] == \
        [(s.text, s.origin) for b in plain.beats for s in b.sentences]
    assert all(s.trace is None for b in plain.beats for s in b.sentences)
    assert all(s.trace is not None for b in traced.beats for s in b.sentences)


@pytest.mark.parametrize("seed", [0, 7, 1000])
def test_a_dreams_own_index_finds_what_the_whole_corpus_index_finds(dreamer, index, seed):
    # Without an index, explain indexes only the runs that start on the dream's Markov words.
    assert explain(dreamer, seed) == explain(dreamer, seed, index=index)


def test_same_seed_grammar_and_corpus_give_the_same_record(dreamer, rebuilt, index, record42):
    assert explain(dreamer, 42, index=index) == record42
    assert explain(rebuilt, 42) == record42


def test_every_sentence_has_text_beat_and_origin_with_its_details(record42):
    names = [b["name"] for b in record42["beats"]]
    assert names[0] == "invocation" and len(names) == 15
    for b in record42["beats"]:
        for s in b["sentences"]:
            assert s["beat"] == b["name"]
            assert s["origin"] in ("grammar", "markov")
            assert set(s) == {"text", "beat", "origin", s["origin"]}
    counts = {o: sum(s["origin"] == o for s in sentences(record42)) for o in ("grammar", "markov")}
    assert counts == record42["counts"] and min(counts.values()) > 0
    assert json.loads(json.dumps(record42)) == record42


def check_grammar_sources(dreamer, record, seed):
    """Grammar sentences name their rule (and its line) and hold their expansions."""
    for b in record["beats"]:
        beat = [s for s in b["sentences"] if s["origin"] == "grammar"]
        top = 0
        for s in beat:
            g = s["grammar"]
            assert g["template"] == dreamer.grammar.rules[g["symbol"]][g["rule"]]
            # The line named holds the start of that rule as written in the file.
            line = grammar_file(g["file"]).read_text(encoding="utf-8").splitlines()[g["line"] - 1]
            assert json.dumps(g["template"], ensure_ascii=False)[1:30] in line
            assert g["variables"] == record["cast"]
            for e in g["expansions"]:
                if e["depth"] == 1:
                    top += 1
                    assert e["text"] in s["text"], (seed, e, s["text"])
                if e["variable"]:
                    assert record["cast"][e["symbol"]].lower() in e["text"].lower()
        # Each tag of the beat's rule is given to exactly one of its sentences.
        rule = dreamer.grammar.compiled[beat[0]["grammar"]["symbol"]][beat[0]["grammar"]["rule"]]
        assert top == sum(type(item).__name__ == "Tag" for item in rule)


def check_markov_sources(record, novelty, resolve=corpus_file):
    checked = 0
    for s in sentences(record):
        if s["origin"] != "markov":
            continue
        m = s["markov"]
        words = m["template"].split()
        assert m["model"]["chain"] == s["beat"]
        covered = set()
        for run in m["sources"]:
            lines = resolve(run["file"]).read_text(encoding="utf-8").splitlines()
            # The run begins on the line named and goes on from there in its paragraph.
            assert run["words"].split()[0] in lines[run["line"] - 1].split()
            rest = " ".join(x.strip() for x in lines[run["line"] - 1:run["line"] + 8])
            assert rest.startswith(run["words"]) or f" {run['words']}" in rest
            assert run["words"].split() == words[run["at"]:run["at"] + run["length"]]
            covered.update(range(run["at"], run["at"] + run["length"]))
            checked += 1
        assert covered == set(range(len(words))), m
        longest = m["longest_overlap"]
        assert longest["length"] >= max(r["length"] for r in m["sources"])
        # A Markov sentence passed the novelty test, so no run reaches its length.
        assert 2 <= longest["length"] < novelty
        # The template with its cast tags expanded is the sentence.
        texts = iter(e["text"] for e in m["expansions"] if e["depth"] == 1)
        assert re.sub(r"#[^#\s]+#", lambda _: next(texts), m["template"]) == s["text"]
    return checked


# One explain a seed for three properties: explaining is the slow part.
@ON_EVERY_SEED
@given(seed=SEEDS)
def test_a_record_joins_back_to_its_dream_and_names_every_rule_and_corpus_line(dreamer, index,
                                                                               seed):
    record = explain(dreamer, seed, index=index)
    check_text(dreamer, record, seed)
    check_grammar_sources(dreamer, record, seed)
    # Markov sentences name the corpus lines they reuse.
    assert check_markov_sources(record, dreamer.models.settings.novelty_words) > 0


def test_corpus_lines_are_exact_in_hard_wrapped_paragraphs(tmp_path):
    # The built-in corpus writes a paragraph a line; wrap a copy so paragraphs span lines.
    # A third of its files is enough to dream from, and a third as long to build.
    folder = tmp_path / "wrapped"
    folder.mkdir()
    for path in sorted(builtin_dir("corpus").glob("*.txt"))[::3]:
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            plain = line.strip() and not line.startswith("::") and not re.match(r"^\w+: ", line)
            out.append(textwrap.fill(line, 40) if plain else line)
        (folder / path.name).write_text("\n".join(out) + "\n", encoding="utf-8")
    dreamer = dreamgen.Dreamer.load(corpora=[folder], builtin_corpus=False)
    assert any(len(p.line_starts) > 3 for p in dreamer.corpus.paragraphs())
    index = CorpusIndex(dreamer.corpus)
    checked = sum(check_markov_sources(explain(dreamer, seed, index=index),
                                       dreamer.models.settings.novelty_words, resolve=Path)
                  for seed in range(5))
    assert checked > 100


def test_markov_runs_prefer_their_own_beat_among_equals(dreamer, index):
    para = next(p for p in dreamer.corpus.paragraphs() if p.beat == "grief")
    words = para.text.split()[:4]
    n, p, _ = index.longest_from(words, 0, "grief")
    assert n == 4 and index.paragraphs[p][0].beat == "grief"


def test_a_multi_line_paragraph_maps_words_to_their_lines(write):
    path = write("multi.txt", "title: t\n\n:: omen\nYou look up,\n  and the sky\nhushes for you.\n")
    para = read_document(path).paragraphs[0]
    assert para.text == "You look up, and the sky hushes for you."
    assert [para.line_at(para.text.index(w)) for w in ("You", "and", "sky", "hushes")] == \
        [4, 5, 5, 6]


def test_an_overlay_rule_is_traced_to_its_file_and_line(write):
    rules = [f"You stand in field number {n}, and it is quiet. The air smells of #scent#."
             for n in range(40)]
    overlay = write("mine.json", {"+threshold": rules})
    dreamer = dreamgen.Dreamer.load([overlay])
    builtin = len(dreamer.grammar.rules["threshold"]) - len(rules)
    for seed in range(30):
        record = explain(dreamer, seed)
        mine = [s for s in record["beats"][1]["sentences"] if s["origin"] == "grammar"]
        g = mine[0]["grammar"]
        if g["rule"] >= builtin:
            break
    else:
        pytest.fail("no seed chose an overlay rule")
    assert g["file"] == str(overlay)
    # json.dumps(indent=2): "{", the key, then one rule a line.
    assert g["line"] == 3 + g["rule"] - builtin
    assert g["template"] == rules[g["rule"] - builtin]
    assert [s["text"] for s in mine] == [
        f"You stand in field number {g['rule'] - builtin}, and it is quiet.",
        f"The air smells of {record['cast']['scent']}."]
    assert [(e["symbol"], e["variable"]) for e in mine[1]["grammar"]["expansions"]] == \
        [("scent", True)]
    assert mine[0]["grammar"]["expansions"] == []


# -- the renderings ------------------------------------------------------------------------

def test_text_shows_each_sentence_with_its_origin_beneath(record42):
    lines = render_text(record42).splitlines()
    for s in sentences(record42):
        at = lines.index(s["text"])
        below = lines[at + 1].strip()
        if s["origin"] == "grammar":
            g = s["grammar"]
            assert below.startswith(f"grammar  {g['symbol']} rule {g['rule']}")
            assert below.endswith(f"{g['file']}:{g['line']}")
        else:
            assert below.startswith(f"markov   chain {s['beat']}, ")
    assert "[15/15 waking]" in lines


def test_html_escapes_all_text(record42):
    record = json.loads(json.dumps(record42))
    evil = '<img src=x onerror="alert(1)"> & </span>'
    first = record["beats"][1]["sentences"][0]
    first["text"] = evil
    first[first["origin"]]["template"] = evil
    record["cast"]["fallen"] = evil
    page = render_html(record)
    assert "<img" not in page and "</span> &" not in page
    assert html_escaped(evil) in page


def html_escaped(text):
    import html

    return html.escape(text, quote=True)


def test_html_is_one_self_contained_page(record42):
    page = render_html(record42)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"https?://|<link|\ssrc=|@import|url\(", page)
    assert 'name="viewport"' in page
    assert page.count('class="s grammar"') == record42["counts"]["grammar"]
    assert page.count('class="s markov"') == record42["counts"]["markov"]


def test_the_page_style_and_script_are_package_data_that_an_install_carries(record42):
    import configparser

    from conftest import ROOT

    folder = ROOT / "dreamgen" / "output"
    page = render_html(record42)
    for name in ("explain.css", "explain.js"):
        assert (folder / name).read_text(encoding="utf-8") in page
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    assert "dreamgen.output" in setup["options"]["packages"].split()
    patterns = setup["options.package_data"]["dreamgen.output"].replace(",", " ").split()
    assert sorted(patterns) == ["*.css", "*.js"]


# -- the command ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_explain_prints_each_format(run, record42, fmt):
    result = run("explain", "--seed", "42", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output == render(record42, fmt)
    if fmt == "json":
        assert json.loads(result.output) == record42


def test_explain_out_writes_atomically_and_refuses_to_overwrite(run, tmp_path, record42):
    out = tmp_path / "dream.html"
    assert run("explain", "--seed", "42", "--format", "html", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == render_html(record42)
    again = run("explain", "--seed", "42", "--out", str(out))
    assert again.exit_code == 1 and "already exists" in again.output
    assert out.read_text(encoding="utf-8") == render_html(record42)
    assert [p.name for p in tmp_path.iterdir()] == ["dream.html"]


def test_explain_needs_a_seed(run):
    result = run("explain")
    assert result.exit_code == 2 and "--seed" in result.output


def test_explain_reports_bad_input_in_one_line(run, write):
    bad = write("bad.json", "{ nope")
    result = run("explain", "--seed", "1", "--grammar", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and str(bad) in result.output
    assert len(result.output.strip().splitlines()) == 1
