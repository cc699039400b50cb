"""Output is written whole or not at all, and is the same bytes on stdout and in a file."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from dreamgen import OutputError
from dreamgen.cli import cli
from dreamgen.files import atomic_writer

from conftest import ROOT, children


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_writer(target, force=True) as f:
        f.write("new\n")
    assert target.read_bytes() == b"new\n" and _files(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_earlier_file_whole_and_no_temp_file(tmp_path, exc):
    target = tmp_path / "out.txt"
    target.write_text("earlier")
    with pytest.raises(type(exc)):
        with atomic_writer(target, force=True) as f:
            f.write("partial " * 10_000)
            raise exc
    assert target.read_text() == "earlier" and _files(tmp_path) == ["out.txt"]


def test_a_full_disk_is_an_output_error_and_changes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("earlier")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as info:
        with atomic_writer(target, force=True) as f:
            f.write("dream")
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "earlier" and _files(tmp_path) == ["out.txt"]


def test_an_existing_file_is_refused_without_force(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep")
    with pytest.raises(OutputError) as info:
        with atomic_writer(target):
            pass
    assert str(info.value) == f"{target}: already exists; use --force to replace it"
    assert target.read_text() == "keep" and _files(tmp_path) == ["out.txt"]


def test_a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_writer(tmp_path / "new.txt") as f:
            f.write("x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
        old = tmp_path / "old.txt"
        old.write_text("x")
        old.chmod(0o600)
        with atomic_writer(old, force=True) as f:
            f.write("y")
        assert old.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


def test_a_limit_hit_midway_leaves_the_earlier_out_file_whole(write, tmp_path, dreamer):
    # Dream 161 of this grammar explodes (see test_limits); dreams 150-160 do not.
    path = write("g.json", {"omen": ["#origin#"], "origin": ["you", "#origin##origin#"]})
    out = tmp_path / "dreams.txt"
    out.write_text("earlier")
    before = _files(tmp_path)
    result = CliRunner().invoke(cli, ["generate", "--grammar", str(path), "--seed", "0",
                                      "--count", "400", "--out", str(out), "--force"])
    assert result.exit_code == 1
    error = result.output.splitlines()[-1]
    assert error.startswith("Error: ") and "(raise it with --max-" in error
    assert out.read_text() == "earlier" and _files(tmp_path) == before


def test_out_is_refused_before_any_work(tmp_path, monkeypatch):
    import dreamgen.cli

    out = tmp_path / "d.txt"
    out.write_text("keep")
    monkeypatch.setattr(dreamgen.cli, "_load", lambda *a, **k: pytest.fail("loaded"))
    result = CliRunner().invoke(cli, ["generate", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: already exists; use --force to replace it\n"


def _dreamgen(*args, **kw):
    return subprocess.run([sys.executable, "-m", "dreamgen", *args], cwd=ROOT,
                          capture_output=True, **kw)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "jsonl"])
def test_stdout_and_out_hold_the_same_bytes(tmp_path, fmt):
    out = tmp_path / f"d.{fmt}"
    args = ["generate", "--seed", "12", "--count", "2", "--format", fmt]
    printed = _dreamgen(*args, check=True).stdout
    assert _dreamgen(*args, "--out", str(out), check=True).stdout == b""
    assert out.read_bytes() == printed


def test_piping_into_head_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "dreamgen", "generate", "--seed", "1",
                             "--count", "2000"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert first and err == b""


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


# Every stop signal goes through one handler in the main process, and the workers' path is
# the same for each: all three with --jobs 2 (the run must also end its workers), one
# with --jobs 1, rather than every pair.
@pytest.mark.parametrize("signum, jobs", [(signal.SIGINT, 2), (signal.SIGTERM, 2),
                                          (signal.SIGHUP, 2), (signal.SIGTERM, 1)])
def test_a_stop_signal_leaves_the_old_file_whole_and_no_temp_file(tmp_path, signum, jobs):
    out = tmp_path / "d.txt"
    out.write_text("earlier")
    proc = subprocess.Popen([sys.executable, "-m", "dreamgen", "generate", "--seed", "1",
                             "--count", "100000", "--out", str(out), "--force", "--jobs", str(jobs)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until the temporary file (and any workers) exist, so the signal lands mid-write.
    expected_workers = 0 if jobs == 1 else jobs
    workers = []
    for _ in range(1200):
        workers = children(proc.pid)
        if (len(list(tmp_path.iterdir())) > 1 and len(workers) == expected_workers
                or proc.poll() is not None):
            break
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum
    assert err.decode().strip().splitlines() == [f"Aborted! ({signal.Signals(signum).name})"]
    assert out.read_text() == "earlier" and _files(tmp_path) == ["d.txt"]
    assert len(workers) == expected_workers
    assert not any(_alive(pid) for pid in workers)



@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_mid_run_is_one_clean_error_with_or_without_jobs(run, tiny_disk, jobs):
    out = tiny_disk / "d.jsonl"
    out.write_text("earlier")
    result = CliRunner().invoke(cli, ["generate", "--seed", "0", "--count", "200", "--format",
                                      "jsonl", "--jobs", jobs, "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: cannot write: No space left on device\n"
    assert out.read_text() == "earlier" and _files(tiny_disk) == ["d.jsonl"]
