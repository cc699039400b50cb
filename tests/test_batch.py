import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT, children
from dreamgen import WorkerError
from dreamgen import cli as cli_module
from dreamgen.batch import chunks, render_run
from dreamgen.cli import cli
from dreamgen.output.render import render, render_end


def test_chunks_cover_the_range_in_order():
    assert list(chunks(10, 7, 3)) == [(10, 3), (13, 3), (16, 1)]
    assert list(chunks(5, 0, 3)) == []


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "markdown"])
def test_chunked_run_is_the_same_text_as_render(dreamer, fmt):
    pieces = list(render_run(dreamer, 40, 7, fmt, chunk=3))
    assert [n for _, n in pieces] == [3, 3, 1]
    whole = "".join(t for t, _ in pieces) + render_end(fmt, 7)
    assert whole == render([dreamer.dream(s) for s in range(40, 47)], fmt)


@pytest.mark.parametrize("fmt", ["jsonl", "text", "json"])
def test_two_jobs_write_the_same_bytes_as_one(run, fmt):
    args = ["generate", "--seed", "500", "--count", "150", "--format", fmt]
    one = run(*args)
    two = run(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert two.stdout_bytes == one.stdout_bytes
    assert one.stdout_bytes.count(b"\n") >= 150


def test_two_jobs_keep_the_length(run, dreamer):
    args = ["generate", "--seed", "9", "--count", "140", "--format", "jsonl", "--length", "micro"]
    two = run(*args, "--jobs", "2").stdout
    assert two == run(*args).stdout
    records = [json.loads(line) for line in two.splitlines()]
    assert {r["length"] for r in records} == {"micro"}
    assert records[-1]["text"] == dreamer.dream(148, length="micro").text


def test_two_shards_concatenated_are_the_whole_range(run):
    whole = run("generate", "--seed", "1000", "--count", "130", "--format", "jsonl").stdout
    first = run("generate", "--seed", "1000", "--count", "77", "--format", "jsonl").stdout
    second = run("generate", "--seed", "1077", "--count", "53", "--format", "jsonl",
                 "--jobs", "2").stdout
    assert first + second == whole
    assert [json.loads(line)["seed"] for line in whole.splitlines()] == list(range(1000, 1130))


def test_a_worker_error_keeps_its_context(run, write):
    # A rule that can only ever exceed the character limit fails inside the workers.
    overlay = write("big.json", {"waking": ["#long##long##long##long#"],
                                 "long": ["you " + "x" * 396]})
    result = CliRunner().invoke(cli, ["generate", "--seed", "0", "--count", "150",
                                      "--jobs", "2", "--grammar", str(overlay),
                                      "--max-chars", "1000"])
    assert result.exit_code == 1
    assert "--max-chars" in result.output and "Traceback" not in result.output


def _progress_run(monkeypatch, tty, *extra):
    monkeypatch.setattr(cli_module, "_stderr_is_tty", lambda: tty)
    return CliRunner().invoke(cli, ["generate", "--seed", "3", "--count", "60", "--format",
                                    "jsonl", *extra], catch_exceptions=False)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_count_and_rate_on_a_terminal_and_never_in_the_output():
    terminal, written = _Terminal(), []
    cli_module._emit(iter([("a\n", 30), ("b\n", 30)]), "", lambda text, n: written.append(text),
                     60, terminal)
    last = terminal.getvalue().rstrip("\n").split("\r")[-1]
    assert "60/60" in last and "dreams/s" in last
    assert written == ["a\n", "b\n", ""]


def test_a_long_run_on_a_terminal_asks_for_progress_on_stderr(monkeypatch):
    asked = []
    real = cli_module._emit
    monkeypatch.setattr(cli_module, "_emit",
                        lambda *a: asked.append(a[4]) or real(*a[:4], None))
    result = _progress_run(monkeypatch, True)
    assert result.exit_code == 0 and result.stdout.count("\n") == 60
    assert asked and asked[0] is not None


def test_no_progress_when_stderr_is_not_a_terminal(monkeypatch):
    assert _progress_run(monkeypatch, False).stderr == ""


def test_quiet_silences_progress(monkeypatch):
    assert _progress_run(monkeypatch, True, "--quiet").stderr == ""


class _DiesOn:
    """A dreamer whose worker process is killed (as by the OOM killer) on dream ``seed``;
    only the first time if ``once`` names a marker file."""

    def __init__(self, dreamer, seed, once=None):
        self.real, self.seed, self.once = dreamer, seed, once

    def dream(self, n, **kw):
        if n == self.seed and (self.once is None or not self.once.exists()):
            if self.once is not None:
                self.once.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return self.real.dream(n, **kw)


def _text(pieces):
    return "".join(t for t, _ in pieces)


@pytest.fixture(scope="module")
def run_of_40(dreamer):
    """Dreams 100 to 139 as jsonl, made in this process."""
    return _text(render_run(dreamer, 100, 40, "jsonl"))


@pytest.mark.parametrize("seed", [100, 121, 139])  # the first chunk, one mid-way, the last
def test_a_chunk_whose_worker_dies_is_made_again(dreamer, run_of_40, tmp_path, seed):
    dies = _DiesOn(dreamer, seed, once=tmp_path / "died")
    two = _text(render_run(dies, 100, 40, "jsonl", jobs=2, chunk=4))
    assert (tmp_path / "died").exists()
    assert two == run_of_40


def test_a_chunk_whose_worker_dies_twice_stops_the_run(dreamer):
    with pytest.raises(WorkerError) as info:
        _text(render_run(_DiesOn(dreamer, 121), 100, 40, "jsonl", jobs=2, chunk=4))
    first, last = map(int, re.search(r"dreams (\d+) to (\d+)", str(info.value)).groups())
    assert first <= 121 <= last and "died twice" in str(info.value)


def _wait(until, proc, tries=1200):
    for _ in range(tries):
        if until() or proc.poll() is not None:
            return
        time.sleep(0.05)


def _end(proc):
    """Kill ``proc`` and its workers if it is still running: a run that hangs is not left
    behind."""
    if proc.poll() is None:
        for pid in children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
@pytest.mark.parametrize("after_bytes", [0, 1, 150_000])  # at start-up, mid-way, late
def test_a_killed_worker_of_a_real_run_is_replaced(tmp_path, after_bytes, dreams1000):
    out = tmp_path / "d.jsonl"
    # 600 dreams: at about 180 a second a core, 200 could end before a worker is killed.
    proc = subprocess.Popen([sys.executable, "-m", "dreamgen", "generate", "--seed", "0",
                             "--count", "600", "--format", "jsonl", "--jobs", "2", "--out",
                             str(out)], cwd=ROOT, stderr=subprocess.PIPE)
    try:
        _wait(lambda: len(children(proc.pid)) == 2, proc)
        _wait(lambda: sum(p.stat().st_size for p in tmp_path.iterdir()) >= after_bytes, proc)
        workers = children(proc.pid)
        assert workers, "the run ended before a worker could be killed"
        os.kill(workers[-1], signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        _end(proc)
    assert proc.returncode == 0, err
    assert out.read_text() == render(dreams1000[:600], "jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl"]


def test_a_submit_to_a_pool_that_just_broke_is_a_lost_chunk_not_an_error():
    from concurrent.futures.process import BrokenProcessPool

    from dreamgen.batch import _submit

    class Broken:
        def submit(self, *args):
            raise BrokenProcessPool("a worker died")

    class Fine:
        def submit(self, *args):
            return args

    future = _submit(Broken(), 0, 10)
    assert future.done() and isinstance(future.exception(), BrokenProcessPool)
    assert _submit(Fine(), 0, 10) == (0, 10)
