"""dreamgen's speed on the machine at hand, each figure next to its reference.

    python bench/run.py            # every figure at full size (about five minutes)
    python bench/run.py --quick    # smaller counts, fewer repeats (about a minute)

Each figure is the median of several runs, measured in the same run as its reference (the
naive pipeline of bench/naive.py, or the bare import of markovify, tracery and click), and
printed with the ratio and the target. Processes started here get their own cache, config and
bytecode folders in a temporary directory, with bytecode caching on as in an installed package.
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

# What the installed ``dreamgen`` console script runs.
DREAMGEN = [sys.executable, "-c",
            "import sys; sys.argv[0] = 'dreamgen'; from dreamgen.cli import main; main()"]
BARE_IMPORT = [sys.executable, "-c", "import markovify, tracery, click"]
ONE_MB = 1_000_000


def child_env(tmp):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
    env["DREAMGEN_CACHE_DIR"] = os.path.join(tmp, "cache")
    env["DREAMGEN_CONFIG_DIR"] = os.path.join(tmp, "config")
    return env


# Linux counts a forked child's peak memory from its parent's at the fork, so the command is
# started by a small wrapper process and its own peak is read there.
_WRAPPER = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); "
            "_, status, usage = os.wait4(p.pid, 0); sys.stderr.write(str(usage.ru_maxrss)); "
            "sys.exit(os.waitstatus_to_exitcode(status))")


def start(cmd, env, stdout=subprocess.DEVNULL):
    """Start ``cmd`` under the wrapper; :func:`finish` gives its peak memory."""
    return subprocess.Popen([sys.executable, "-c", _WRAPPER, *cmd], env=env, stdout=stdout,
                            stderr=subprocess.PIPE)


def finish(proc, cmd):
    err = proc.stderr.read()
    if proc.wait():
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return int(err.decode().strip().splitlines()[-1]) / 1024  # KB on Linux


def timed(cmd, env):
    """Seconds a command takes, and its peak resident memory in MB."""
    began = time.perf_counter()
    proc = start(cmd, env)
    peak = finish(proc, cmd)
    return time.perf_counter() - began, peak


def median_pair(a, b, env, repeats):
    """Medians of two commands run alternately, so both see the same machine."""
    xs, ys = [], []
    for _ in range(repeats):
        xs.append(timed(a, env)[0])
        ys.append(timed(b, env)[0])
    return statistics.median(xs), statistics.median(ys)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, reference, ratio, target, ok):
        self.rows.append((figure, value, reference, ratio, target, "yes" if ok else "NO"))
        print(f"  {figure}: {value}  (reference {reference}; ratio {ratio}; target {target})",
              flush=True)

    def markdown(self):
        head = ("figure", "dreamgen", "reference", "ratio", "target", "met")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def cold_start(table, env, repeats):
    for _ in range(3):  # bytecode and the model cache, written once
        timed(DREAMGEN + ["generate", "--seed", "1"], env)
        timed(BARE_IMPORT, env)
    ours, bare = median_pair(DREAMGEN + ["generate", "--seed", "1"], BARE_IMPORT, env, repeats)
    ratio = ours / bare
    table.add("one dream, new process, warm cache", f"{ours * 1000:.1f} ms",
              f"{bare * 1000:.1f} ms (import markovify, tracery, click)", f"{ratio:.2f}x",
              "<= 1.3x", ratio <= 1.3)


def rate(make, seeds, repeats):
    """Median dreams per second of ``make`` over ``seeds``."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for s in seeds:
            make(s)
        rates.append(len(seeds) / (time.perf_counter() - start))
    return statistics.median(rates)


def throughput(table, n, repeats):
    from dreamgen import Dreamer
    from dreamgen.checks import dream_problems
    from naive import NaiveDreamer, corpus_text, source_dream_text

    dreamer = Dreamer.load(use_cache=False)
    ours = rate(dreamer.dream, range(n), repeats)
    failing = sum(1 for s in range(n) if dream_problems(dreamer.dream(s), dreamer.arc.names))
    naive_n = max(50, n // 3)
    naive_corpus = rate(NaiveDreamer(corpus_text()).dream, range(naive_n), repeats)
    naive_source = rate(NaiveDreamer(source_dream_text()).dream, range(naive_n), repeats)
    ratio = ours / naive_corpus
    table.add("dreams a second, one core", f"{ours:,.0f}/s ({failing} of {n} below the floor)",
              f"naive over the corpus {naive_corpus:,.0f}/s; over the source dream "
              f"{naive_source:,.0f}/s", f"{ratio:.2f}x", ">= 4x and >= 100/s",
              ratio >= 4 and ours >= 100)


def jobs(table, env, n, repeats):
    base = DREAMGEN + ["generate", "--seed", "0", "--count", str(n), "--format", "jsonl",
                       "--quiet"]
    one, two = median_pair(base + ["--jobs", "1"], base + ["--jobs", "2"], env, repeats)
    ratio = one / two
    table.add(f"--jobs 2, {n:,} dreams ({os.cpu_count()} cores)",
              f"{two:.2f} s", f"--jobs 1 {one:.2f} s", f"{ratio:.2f}x faster", ">= 1.8x",
              ratio >= 1.8)


def memory(table, env, n):
    def cmd_for(count):
        return DREAMGEN + ["generate", "--seed", "0", "--count", str(count), "--format",
                           "jsonl", "--quiet"]

    cmd = cmd_for(n)
    _, small = timed(cmd_for(100), env)
    # Read the output as it comes: a streamed run's first record arrives at once.
    began = time.perf_counter()
    proc = start(cmd, env, stdout=subprocess.PIPE)
    first = proc.stdout.readline()
    first_at = time.perf_counter() - began
    size = len(first)
    while True:
        block = proc.stdout.read(1 << 16)
        if not block:
            break
        size += len(block)
    peak = finish(proc, cmd)
    total = time.perf_counter() - began
    table.add(f"peak memory, --count {n:,} --format jsonl",
              f"{peak:.1f} MB ({size / 1e6:,.0f} MB written, first record after "
              f"{first_at:.2f} s of {total:.0f} s)", f"--count 100: {small:.1f} MB",
              f"{peak / small:.2f}x", "< 80 MB", peak < 80)


def model_load(table, env, repeats):
    code = ("import time, dreamgen; t = time.perf_counter(); dreamgen.Dreamer.load({}); "
            "print(time.perf_counter() - t)")
    warm, cold = [], []
    for _ in range(repeats):
        for arg, out in (("", warm), ("use_cache=False", cold)):
            r = subprocess.run([sys.executable, "-c", code.format(arg)], env=env, check=True,
                               capture_output=True, text=True)
            out.append(float(r.stdout))
    w, c = statistics.median(warm), statistics.median(cold)
    table.add("Dreamer.load from the cache, new process", f"{w * 1000:.1f} ms",
              f"built from corpus/ and grammars/ {c * 1000:.0f} ms", f"{c / w:.0f}x faster",
              "< 50 ms", w < 0.050)


def make_corpus(folder, size=ONE_MB):
    """About ``size`` bytes of beat-tagged corpus: the built-in files, reshuffled copies."""
    from dreamgen.resources import builtin_path

    src = builtin_path("corpus")
    texts = [open(os.path.join(src, n), encoding="utf-8").read()
             for n in sorted(os.listdir(src)) if n.endswith(".txt")]
    written, copy = 0, 0
    while written < size:
        rng = random.Random(copy)
        for i, text in enumerate(texts):
            lines = []
            for line in text.splitlines():
                if line.startswith("::") or ":" in line.split(" ", 1)[0] or not line.strip():
                    lines.append(line)
                    continue
                sentences = line.split(". ")
                rng.shuffle(sentences)  # new sentence joins, so a different chain
                lines.append(". ".join(sentences))
            body = "\n".join(lines) + "\n"
            with open(os.path.join(folder, f"{copy:03}_{i:02}.txt"), "w", encoding="utf-8") as f:
                f.write(body)
            written += len(body.encode("utf-8"))
        copy += 1
    return written


def build(table, tmp, repeats):
    import markovify

    from dreamgen.grammar import load_arc
    from dreamgen.corpus import read_corpus
    from dreamgen.markov import build_models
    from dreamgen.resources import builtin_path

    folder = os.path.join(tmp, "corpus-1mb")
    os.makedirs(folder)
    size = make_corpus(folder)
    ours, naive = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        beats = load_arc(os.path.join(builtin_path("grammars"), "arc.json")).names
        build_models(read_corpus([folder], beats=beats), beats)
        ours.append(time.perf_counter() - start)
        corpus = read_corpus([folder])
        text = "\n".join(p.text for p in corpus.paragraphs())
        start = time.perf_counter()
        markovify.Text(text).compile()
        naive.append(time.perf_counter() - start)
    o, n = statistics.median(ours), statistics.median(naive)
    table.add(f"model built from a {size / 1e6:.2f} MB corpus", f"{o:.2f} s",
              f"markovify.Text(...).compile() {n:.2f} s", f"{o / n:.2f}x", "< 3 s", o < 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, fewer repeats")
    parser.add_argument("--only", default="cold,load,rate,jobs,build,memory",
                        help="comma-separated figures to run (default: all)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    quick = args.quick
    print(f"dreamgen benchmarks on {platform.node()}: {platform.processor() or platform.machine()},"
          f" {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    table = Table()
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(tmp)
        os.environ["DREAMGEN_CACHE_DIR"] = env["DREAMGEN_CACHE_DIR"]
        os.environ["DREAMGEN_CONFIG_DIR"] = env["DREAMGEN_CONFIG_DIR"]
        if only & {"jobs", "memory"}:
            timed(DREAMGEN + ["generate", "--seed", "1"], env)  # bytecode and caches
        if "cold" in only:
            cold_start(table, env, 11 if quick else 31)
        if "load" in only:
            model_load(table, env, 5 if quick else 11)
        if "memory" in only:
            memory(table, env, 10_000 if quick else 100_000)
        if "jobs" in only:
            jobs(table, env, 1000 if quick else 5000, 1 if quick else 3)
        if "rate" in only:
            throughput(table, 200 if quick else 600, 3)
        if "build" in only:
            build(table, tmp, 1 if quick else 3)
    print()
    print(table.markdown())


if __name__ == "__main__":
    main()
