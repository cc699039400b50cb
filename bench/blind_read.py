"""A blind read: reading sheets with the texts' origins hidden, and the readers' marks scored.

    python bench/blind_read.py make --seeds 9100-9111 --out read/      # sheet.md and key.json
    python bench/blind_read.py score read/key.json read/marks-*.txt    # the figures

``make`` shuffles dreamgen's dreams (the given seeds) among the source dream and dreams of
the naive pipeline (bench/naive.py), names them A, B, C ..., and numbers every sentence. The
key (which text is which, and which sentence came from the grammar or the Markov model) goes
to ``key.json``, which readers must not see. Each reader writes one marks file, a line a text:

    A  broken: 3, 7  out: 12  coherence: 4  person: yes

``broken``: sentences a copy editor would have to rewrite because they do not parse or mean
nothing. ``out``: sentences that break the dream's own order or details (waking in the
middle, the fallen thing falling again after it landed, flowers before the wound is
touched). ``coherence``: the whole text, 1 to 5. ``person``: could a person have written it.
``score`` prints, for each kind of text and each reader and then over all readers, the
figures the readable-dreams issue asks for: the broken share of Markov, grammar and all
sentences, out-of-place sentences per dream, mean coherence, and dreams read as a person's.
"""

import argparse
import json
import os
import random
import re
import string
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

INSTRUCTIONS = """\
# Reading sheet

Below are {n} short dream texts, A to {last}, each written in the second person. Some may be
written by people and some by programs; you are not told which. Read each one whole, as a
reader of a magazine would, then mark it. Every sentence has a number in brackets.

For each text, write one line in your marks file:

    A  broken: 3, 7  out: 12  coherence: 4  person: yes

- **broken**: the numbers of every sentence a copy editor would have to rewrite because it
  does not parse or means nothing. Dreamlike images are fine when the sentence itself is
  grammatical and says something. Write `broken: none` when there are none.
- **out**: the numbers of every sentence that breaks the dream's own order or details: for
  example waking up in the middle, the fallen thing falling again after it has landed, the
  wound mended or flowers blooming before it is touched, or a detail that contradicts what the
  dream has already said. Write `out: none` when there are none.
- **coherence**: the whole text, from 1 (no sense of a whole) to 5 (reads as one whole dream).
- **person**: `yes` if you would believe a person wrote it as it stands, otherwise `no`.

Mark every sentence you would mark; do not stop at the first few.
"""


def _label(i):
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def _seeds(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def _dreamgen_texts(seeds, state_size):
    from dreamgen import Dreamer, Settings
    from dreamgen.markov import ModelSettings

    settings = Settings() if state_size is None else Settings(
        model=ModelSettings(state_size=state_size))
    dreamer = Dreamer.load(settings=settings, user_overlays=False)
    for seed in seeds:
        dream = dreamer.dream(seed)
        yield (f"dreamgen seed {seed}", "dreamgen",
               [[(s.text, s.origin) for s in beat.sentences] for beat in dream.beats])


def _naive_texts(count, seed0):
    from naive import NaiveDreamer, corpus_text

    from dreamgen.text import split_sentences

    naive = NaiveDreamer(corpus_text())
    for seed in range(seed0, seed0 + count):
        text = naive.dream(seed)
        yield (f"naive seed {seed}", "naive",
               [[(s, "naive") for s in split_sentences(p)] for p in text.split("\n\n")])


def _source_text():
    from dreamgen.text import split_sentences

    with open(os.path.join(ROOT, "docs", "source-dream.txt"), encoding="utf-8") as f:
        text = f.read()
    paragraphs = [p.replace("\n", " ").strip() for p in text.split("\n\n") if p.strip()]
    return ("the source dream", "source",
            [[(s, "source") for s in split_sentences(p)] for p in paragraphs])


def make(args):
    texts = list(_dreamgen_texts(_seeds(args.seeds), args.state_size))
    if args.naive:
        texts.extend(_naive_texts(args.naive, args.naive_seed))
    if not args.no_source:
        texts.append(_source_text())
    random.Random(args.shuffle).shuffle(texts)
    os.makedirs(args.out, exist_ok=True)
    sheet = [INSTRUCTIONS.format(n=len(texts), last=_label(len(texts) - 1))]
    key = {"texts": {}}
    for i, (name, kind, paragraphs) in enumerate(texts):
        label = _label(i)
        sheet.append(f"\n## Text {label}\n")
        origins, n = {}, 0
        for para in paragraphs:
            line = []
            for text, origin in para:
                n += 1
                origins[n] = origin
                line.append(f"[{n}] {text}")
            if line:
                sheet.append(" ".join(line) + "\n")
        key["texts"][label] = {"name": name, "kind": kind, "origins": origins}
    with open(os.path.join(args.out, "sheet.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(sheet))
    with open(os.path.join(args.out, "key.json"), "w", encoding="utf-8") as f:
        json.dump(key, f, indent=1)
    print(f"{len(texts)} texts: {os.path.join(args.out, 'sheet.md')} (for readers), "
          f"{os.path.join(args.out, 'key.json')} (not for readers)")


_LINE = re.compile(r"^\s*\**([A-Z]{1,2})\**\b(.*)$")
_FIELD = re.compile(r"(broken|out|coherence|person)\s*:\s*([^:]*?)(?=\s+\w+\s*:|$)", re.I)


def parse_marks(text):
    """``{label: {"broken": set, "out": set, "coherence": float, "person": bool}}``."""
    marks = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        fields = {k.lower(): v.strip() for k, v in _FIELD.findall(m.group(2))}
        if not fields:
            continue
        entry = {"broken": set(), "out": set(), "coherence": None, "person": None}
        for name in ("broken", "out"):
            entry[name] = {int(x) for x in re.findall(r"\d+", fields.get(name, ""))}
        c = re.search(r"\d+(?:\.\d+)?", fields.get("coherence", ""))
        entry["coherence"] = float(c.group(0)) if c else None
        p = fields.get("person", "").lower()
        entry["person"] = p.startswith("y") if p else None
        marks[m.group(1)] = entry
    return marks


def figures(key, marks):
    """The figures for each kind of text, from one reader's marks (or several merged)."""
    out = {}
    for label, info in key["texts"].items():
        kind = info["kind"]
        f = out.setdefault(kind, {"texts": 0, "sentences": {}, "broken": {}, "out": 0,
                                  "coherence": [], "person": 0, "marked": 0})
        mark = marks.get(label)
        if mark is None:
            continue
        f["texts"] += 1
        f["marked"] += 1
        for n, origin in info["origins"].items():
            n = int(n)
            f["sentences"][origin] = f["sentences"].get(origin, 0) + 1
            if n in mark["broken"]:
                f["broken"][origin] = f["broken"].get(origin, 0) + 1
        f["out"] += len(mark["out"])
        if mark["coherence"] is not None:
            f["coherence"].append(mark["coherence"])
        f["person"] += bool(mark["person"])
    return out


def _row(kind, f):
    def share(origins):
        n = sum(f["sentences"].get(o, 0) for o in origins)
        b = sum(f["broken"].get(o, 0) for o in origins)
        return f"{b / n:.1%} ({b}/{n})" if n else "-"

    every = list(f["sentences"])
    coherence = (f"{sum(f['coherence']) / len(f['coherence']):.2f}" if f["coherence"] else "-")
    return (f"| {kind} | {f['texts']} | {share(['markov'])} | {share(['grammar'])} | "
            f"{share(every)} | {f['out'] / f['texts']:.2f} | {coherence} | "
            f"{f['person']} of {f['texts']} |" if f["texts"] else f"| {kind} | 0 | |")


def merge(figs):
    """One reader's figures per kind of text, summed over several readers."""
    merged = {}
    for fig in figs:
        for kind, f in fig.items():
            m = merged.setdefault(kind, {"texts": 0, "sentences": {}, "broken": {},
                                         "out": 0, "coherence": [], "person": 0})
            m["texts"] += f["texts"]
            for part in ("sentences", "broken"):
                for o, v in f[part].items():
                    m[part][o] = m[part].get(o, 0) + v
            m["out"] += f["out"]
            m["coherence"] += f["coherence"]
            m["person"] += f["person"]
    return merged


def reads(folder):
    """Every read kept in ``folder`` (``NAME-key.json`` beside ``NAME-marks-*.txt``), in
    name order: ``[(name, seeds, merged figures)]``."""
    import glob

    found = []
    for key_path in sorted(glob.glob(os.path.join(folder, "*-key.json"))):
        name = os.path.basename(key_path)[:-len("-key.json")]
        with open(key_path, encoding="utf-8") as f:
            key = json.load(f)
        figs = []
        for path in sorted(glob.glob(os.path.join(folder, f"{name}-marks-*.txt"))):
            with open(path, encoding="utf-8") as f:
                figs.append(figures(key, parse_marks(f.read())))
        seeds = sorted(int(t["name"].split()[-1]) for t in key["texts"].values()
                       if t["kind"] == "dreamgen")
        found.append((name, seeds, len(figs), merge(figs)))
    return found


def score(args):
    with open(args.key, encoding="utf-8") as f:
        key = json.load(f)
    header = ("| text | dreams | broken Markov | broken grammar | broken, all | out of place "
              "per dream | coherence | read as a person's |\n|---|---|---|---|---|---|---|---|")
    readers = []
    for path in args.marks:
        with open(path, encoding="utf-8") as f:
            marks = parse_marks(f.read())
        missing = sorted(set(key["texts"]) - set(marks))
        readers.append((os.path.basename(path), figures(key, marks)))
        print(f"\n{os.path.basename(path)}" + (f" (no marks for {', '.join(missing)})"
                                               if missing else ""))
        print(header)
        for kind, fig in sorted(readers[-1][1].items()):
            print(_row(kind, fig))
    if len(readers) > 1:
        merged = merge(fig for _, fig in readers)
        print(f"\nall {len(readers)} readers (each dream counted once per reader)")
        print(header)
        for kind, fig in sorted(merged.items()):
            print(_row(kind, fig))


_NUMBERED = re.compile(r"\[(\d+)\] (.*?)(?= \[\d+\] |$)")


def sheet_sentences(text):
    """``{label: {number: sentence}}`` from a reading sheet."""
    out = {}
    for part in text.split("\n## Text ")[1:]:
        label, _, body = part.partition("\n")
        out[label.strip()] = {int(n): s for line in body.splitlines()
                              for n, s in _NUMBERED.findall(line)}
    return out


def marked(args):
    with open(args.key, encoding="utf-8") as f:
        key = json.load(f)
    with open(args.sheet, encoding="utf-8") as f:
        sentences = sheet_sentences(f.read())
    for path in args.marks:
        with open(path, encoding="utf-8") as f:
            marks = parse_marks(f.read())
        print(f"\n# {os.path.basename(path)}")
        for label, info in key["texts"].items():
            if info["kind"] != args.kind or label not in marks:
                continue
            for what in ("broken", "out"):
                for n in sorted(marks[label][what]):
                    origin = info["origins"].get(str(n), "?")
                    print(f"{info['name']} [{n}] {what} {origin}: "
                          f"{sentences.get(label, {}).get(n, '?')}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make", help="write a reading sheet and its key")
    m.add_argument("--seeds", required=True, help="dreamgen seeds, e.g. 9100-9111 or 3,8,21")
    m.add_argument("--naive", type=int, default=3, help="naive-pipeline dreams to mix in")
    m.add_argument("--naive-seed", type=int, default=1, help="first naive seed")
    m.add_argument("--no-source", action="store_true", help="leave the source dream out")
    m.add_argument("--state-size", type=int, default=None, help="default: dreamgen's own")
    m.add_argument("--shuffle", type=int, default=0, help="seed of the shuffle")
    m.add_argument("--out", required=True, help="folder for sheet.md and key.json")
    s = sub.add_parser("score", help="score readers' marks files against the key")
    s.add_argument("key")
    s.add_argument("marks", nargs="+")
    k = sub.add_parser("marked", help="list every marked sentence with its origin")
    k.add_argument("sheet")
    k.add_argument("key")
    k.add_argument("marks", nargs="+")
    k.add_argument("--kind", default="dreamgen", help="which texts (default: dreamgen)")
    args = p.parse_args(argv)
    {"make": make, "score": score, "marked": marked}[args.command](args)


if __name__ == "__main__":
    main()
