"""--resume: a stopped run goes on from its last checkpoint and ends as the same bytes."""

import json
import random
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from dreamgen import OutputError
from dreamgen.cli import cli
from dreamgen.batch import render_run
from dreamgen.output.render import FORMATS, render, render_end
from dreamgen.resume import Resumable, partial_path, run_state, state_path

from conftest import ROOT, grow


class _Stop(Exception):
    pass


def _run(dreamer, out, fmt, count, stop_after=None, state=None):
    """Make (or go on with) dreams 0 to count-1 into ``out``, four a chunk, checkpointing
    after each; raise _Stop instead of writing chunk number ``stop_after``."""
    state = state or run_state(dreamer, seed=0, count=count, fmt=fmt)
    with Resumable(out, state, every=0) as job:
        pieces = render_run(dreamer, job.done, count - job.done, fmt, chunk=4, index=job.done)
        for k, (text, n) in enumerate(pieces):
            if k == stop_after:
                raise _Stop
            job.write(text, n)
        job.write(render_end(fmt, count), 0)
        job.finish()


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_stopped_run_resumed_twice_is_the_same_bytes(dreamer, dreams200, tmp_path, fmt):
    out = tmp_path / f"d.{fmt}"
    for stop_after in (1, 2):
        with pytest.raises(_Stop):
            _run(dreamer, out, fmt, 18, stop_after)
        assert _names(tmp_path) == [f"d.{fmt}.partial", f"d.{fmt}.partial.json"]
    assert json.loads(state_path(out).read_text())["done"] == 12
    _run(dreamer, out, fmt, 18)
    assert out.read_text(encoding="utf-8") == render(dreams200[:18], fmt)
    assert _names(tmp_path) == [f"d.{fmt}"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_torn_last_record_is_dropped_and_made_again(dreamer, dreams200, tmp_path, fmt):
    out = tmp_path / f"d.{fmt}"
    with pytest.raises(_Stop):
        _run(dreamer, out, fmt, 10, 1)
    with open(partial_path(out), "ab") as f:  # half a record, written after the checkpoint
        f.write(render(dreams200[4:5], fmt).encode()[:150])
    _run(dreamer, out, fmt, 10)
    assert out.read_text(encoding="utf-8") == render(dreams200[:10], fmt)


@pytest.mark.parametrize("field, value", [("seed", 5), ("count", 11), ("format", "text"),
                                          ("grammar_sha256", "0" * 64), ("dreamgen", "0.0.1")])
def test_a_partial_file_of_another_run_is_refused(dreamer, tmp_path, field, value):
    out = tmp_path / "d.jsonl"
    with pytest.raises(_Stop):
        _run(dreamer, out, "jsonl", 10, 1)
    other = {**run_state(dreamer, seed=0, count=10, fmt="jsonl"), field: value}
    with pytest.raises(OutputError) as info:
        _run(dreamer, out, "jsonl", 10, state=other)
    assert f"was made by another run ({field} differ)" in str(info.value)
    assert str(info.value).startswith(f"{partial_path(out)}: ")


def test_a_partial_file_without_its_state_is_refused(dreamer, tmp_path):
    out = tmp_path / "d.jsonl"
    partial_path(out).write_text("{}\n")
    with pytest.raises(OutputError, match="has no d.jsonl.partial.json beside it"):
        _run(dreamer, out, "jsonl", 10)
    assert partial_path(out).read_text() == "{}\n"


def test_resume_needs_seed_and_out(run, tmp_path):
    assert "--resume needs --out" in run("generate", "--seed", "1", "--resume").output
    assert "--resume needs --seed" in run("generate", "--resume", "--out",
                                          str(tmp_path / "d.txt")).output


def test_resuming_a_finished_file_does_nothing(run, tmp_path):
    out = tmp_path / "d.txt"
    out.write_text("finished")
    result = run("generate", "--seed", "1", "--resume", "--out", str(out))
    assert result.exit_code == 0 and "already complete" in result.stderr
    assert out.read_text() == "finished" and _names(tmp_path) == ["d.txt"]


def _done(out):
    try:
        return json.loads(state_path(out).read_text())["done"]
    except (OSError, ValueError):
        return 0


def _checkpointed_past(proc, out, done):
    for _ in range(2400):
        if proc.poll() is not None or _done(out) > done:
            return
        time.sleep(0.025)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_real_run_killed_at_random_points_resumes_to_the_same_bytes(dreams240, tmp_path,
                                                                      fmt):
    want = render(dreams240[:232], fmt).encode()
    out = tmp_path / f"d.{fmt}"
    args = [sys.executable, "-m", "dreamgen", "generate", "--seed", "0", "--count", "232",
            "--format", fmt, "--out", str(out), "--resume", "--checkpoint-every", "0"]
    rng = random.Random(fmt)  # the kill points differ by format, the same every run
    stops = []
    # Three chunks of 64 and 40 dreams: each stop comes once the run has saved a new place
    # (at once, or a little later, mid-way through the next chunk).
    for signum in (signal.SIGKILL, signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE)
        _checkpointed_past(proc, out, _done(out))
        time.sleep(rng.uniform(0, 0.1))
        proc.send_signal(signum)
        proc.communicate(timeout=60)
        stops.append(proc.returncode)
        assert set(_names(tmp_path)) <= {partial_path(out).name, state_path(out).name,
                                         state_path(out).name + ".tmp"}
    assert stops == [-signal.SIGKILL, 128 + signal.SIGTERM, -signal.SIGKILL]
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == want
    assert _names(tmp_path) == [out.name]


def test_a_full_disk_keeps_the_dreams_made_so_far_for_resume(dreams200, tiny_disk):
    out = tiny_disk / "d.jsonl"
    args = ["generate", "--seed", "0", "--count", "150", "--format", "jsonl", "--jobs", "2",
            "--out", str(out), "--resume"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {out}: cannot write: No space left on device; "
                                    "the dreams made so far are kept in d.jsonl.partial")
    assert _names(tiny_disk) == ["d.jsonl.partial", "d.jsonl.partial.json"]
    assert json.loads(state_path(out).read_text())["done"] > 0
    grow(tiny_disk)
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert out.read_text(encoding="utf-8") == render(dreams200[:150], "jsonl")
    assert _names(tiny_disk) == ["d.jsonl"]
