"""Rewrite the generated parts of README.md (sample dream, arc, stats table, `check`
transcript) and of docs/grammar.md (the symbols each beat uses) from the code.

    python docs/update_readme.py
"""

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DREAMGEN_CONFIG_DIR", tempfile.mkdtemp())

SAMPLE_SEED = 42
STATS_COUNT = 200


# What each limit stops, in the README's words; the defaults and ranges come from the CLI.
LIMIT_STOPS = {
    "max_depth": "expansion deeper than this, counted inside push actions too",
    "max_nodes": "more tags expanded in one dream",
    "max_chars": "more characters produced in one dream",
    "max_grammar_bytes": "a larger grammar file (read no further)",
    "max_corpus_bytes": "a larger corpus, all files together",
    "state_size": "words of Markov context",
    "markov_tries": "draws (or walks) per Markov sentence before it is left out",
    "max_words": ("words per Markov sentence; at another value the chains are walked, not drawn "
                  "from the pools"),
}


def option_default(param):
    """How the README writes an option's default: ``2 (1 to 5)``, ``20,000``."""
    text = f"{param.default:,}"
    low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
    if high is not None:
        text += f" ({low:,} to {high:,})"
    return text


def limits(dreamer):
    from dreamgen.cli import generate
    from dreamgen.corpus_lint import DEFAULT_MIN_SHARE
    from dreamgen.markov import DEFAULT_TRIES

    params = {p.name: p for p in generate.params}
    share, tries = f"{DEFAULT_MIN_SHARE:.0%}", f"{DEFAULT_TRIES:,}"
    rows = ["| option | default | stops |", "|--------|---------|-------|"]
    rows += [f"| `{params[name].opts[0]}` | {option_default(params[name])} | {stops} |"
             for name, stops in LIMIT_STOPS.items()]
    return "\n".join(rows) + f"""

A corpus file is refused only when nothing in it can be used: empty, binary, not UTF-8, or
with no sentence the model learns from (`no usable sentences in this corpus file`, and why).
Any other file is added, and one under {share} of the sentences of the beats it writes gets
one warning saying how much it adds and about how many more words would make it count. A
corpus whose chain makes no new sentence in {tries} tries (or `--markov-tries`, if more) is a
warning too: the dreams go on, each beat written by its grammar alone where no Markov sentence
can be made. `dreamgen check FILE.txt` says all this before a run."""


def lengths(dreamer):
    """The arc's lengths: the beats each keeps, from the arc file."""
    rows = ["| length | beats, by paragraph | Markov sentences |", "|---|---|---|"]
    for name in dreamer.arc.known_lengths():
        beats, paras = dreamer.arc.at_length(name)
        paras = paras or (1,) * len(beats)
        groups, at = [], 0
        for n in paras:
            groups.append(", ".join(b.name for b in beats[at:at + n]))
            at += n
        shown = " / ".join(groups) if name != "full" else f"all {len(beats)}, one a paragraph"
        rows.append(f"| `{name}` | {shown} | {sum(b.markov for b in beats)} |")
    return "\n".join(rows)


def blocks(dreamer, stats_report=None):
    """The README's generated blocks, by marker name."""
    from dreamgen.output.stats import render_markdown
    from dreamgen.stats import report

    beats = "\n".join(f"{i}. **{b.name}**: {b.purpose}" for i, b in enumerate(dreamer.arc.beats, 1))
    r = stats_report or report(dreamer, count=STATS_COUNT)
    return {
        "sample": f"```text\n{dreamer.dream(SAMPLE_SEED).text}\n```",
        "micro": f"```text\n{dreamer.dream(SAMPLE_SEED, length='micro').text}\n```",
        "beats": beats,
        "lengths": lengths(dreamer),
        "stats": render_markdown(r).rstrip("\n"),
        "limits": limits(dreamer),
        "reads": reads_table(),
    }


def reads_table():
    """The blind reads kept in bench/reads/, scored by bench/blind_read.py: dreamgen's row of
    each, and the naive pipeline's and the source dream's of the newest."""
    sys.path.insert(0, str(ROOT / "bench"))
    import blind_read

    rows = ["| read | seeds | readers | text | broken Markov | broken grammar | broken, all | "
            "out of place a dream | coherence (1-5) | read as a person's |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    found = blind_read.reads(str(ROOT / "bench" / "reads"))
    for i, (name, seeds, readers, merged) in enumerate(found):
        kinds = ["dreamgen"] + (["naive", "source"] if i == len(found) - 1 else [])
        for kind in kinds:
            if kind in merged:
                cells = blind_read._row(kind, merged[kind]).split(" | ")
                # _row: | kind | dreams | Markov | grammar | all | out | coherence | person |
                rows.append(f"| {name} | {seeds[0]}-{seeds[-1]} | {readers} | " +
                            " | ".join(cells[0:1] + cells[2:]).lstrip("| "))
    return "\n".join(rows)


def beat_symbols(grammar, beat):
    """Every symbol and variable the beat's entry reaches, in first-use order."""
    from dreamgen.grammar import Tag, walk

    seen, order, todo = set(), [], [beat.entry]
    while todo:
        symbol = todo.pop(0)
        for rule in grammar.compiled.get(symbol, ()):
            for n in walk(rule):
                if isinstance(n, Tag) and n.symbol not in seen:
                    seen.add(n.symbol)
                    order.append(n.symbol)
                    todo.append(n.symbol)
    return order


def guide_table(dreamer):
    rows = ["| beat | Markov | symbols |", "|---|---|---|"]
    for b in dreamer.arc.beats:
        used = beat_symbols(dreamer.grammar, b)
        listed = ", ".join(f"`{s}`" for s in used) or '(none: always "' + \
            dreamer.grammar.rules[b.entry][0] + '")'
        rows.append(f"| `{b.name}` | {b.markov} | {listed} |")
    return "\n".join(rows)


def check_summary():
    from dreamgen.grammar.load import check_files

    return check_files([str(ROOT / "examples" / "lantern.json")], user_overlays=False).summary()


CHECK = re.compile(r"(A clean grammar prints one summary line:\n\n```text\n)(.*?)(\n```)", re.S)


def pattern(name):
    return re.compile(rf"(<!-- {name} -->\n)(.*?)(\n<!-- /{name} -->)", re.S)


def read_blocks(text):
    return {name: m.group(2) for name in ("sample", "micro", "beats", "lengths", "stats", "limits",
                                             "reads")
            for m in [pattern(name).search(text)] if m}


def main():
    from dreamgen import Dreamer

    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    dreamer = Dreamer.load(user_overlays=False)
    for name, body in blocks(dreamer).items():
        text, n = pattern(name).subn(lambda m: m.group(1) + body + m.group(3), text)
        if n != 1:
            raise SystemExit(f"README.md has no <!-- {name} --> block")
    text, n = CHECK.subn(lambda m: m.group(1) + check_summary() + m.group(3), text)
    if n != 1:
        raise SystemExit("README.md has no `check` transcript")
    path.write_text(text, encoding="utf-8")
    guide = ROOT / "docs" / "grammar.md"
    body = guide_table(Dreamer.load(user_overlays=False))
    text, n = pattern("beat-symbols").subn(lambda m: m.group(1) + body + m.group(3),
                                           guide.read_text(encoding="utf-8"))
    if n != 1:
        raise SystemExit("docs/grammar.md has no <!-- beat-symbols --> block")
    guide.write_text(text, encoding="utf-8")
    print("README.md and docs/grammar.md updated")


if __name__ == "__main__":
    main()
