"""generate --verify: a finished file is checked against the run that should have made it."""

import io

import pytest

from dreamgen import VerifyError
from dreamgen.output.render import FORMATS, render, render_end, render_one
from dreamgen.verify import records, verify


@pytest.mark.parametrize("fmt", FORMATS)
def test_records_splits_a_run_into_the_pieces_render_made(dreams200, fmt):
    pieces = [render_one(d, fmt, i).encode() for i, d in enumerate(dreams200[:6])]
    whole = render(dreams200[:6], fmt).encode()
    assert list(records(io.BytesIO(whole), fmt)) == [*pieces, render_end(fmt, 6).encode()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_whole_run_verifies(dreamer, dreams200, tmp_path, fmt):
    path = tmp_path / "d"
    path.write_bytes(render(dreams200[10:40], fmt).encode())
    done = verify(dreamer, path, seed=10, count=30, fmt=fmt, sample=5)
    assert done.records == 30 and 2 <= done.checked <= 7


def test_a_changed_record_is_found(dreamer, dreams200, tmp_path):
    lines = render(dreams200[:20], "jsonl").splitlines(keepends=True)
    lines[7] = lines[7].replace('"text": "', '"text": "So, ', 1)
    path = tmp_path / "d.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(VerifyError, match=r"record 7 \(dream 7\) differs"):
        verify(dreamer, path, seed=0, count=20, fmt="jsonl", sample=40)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_short_or_cut_file_is_found(dreamer, dreams200, tmp_path, fmt):
    path = tmp_path / "d"
    path.write_bytes(render(dreams200[:8], fmt).encode())
    with pytest.raises(VerifyError, match="holds 8 records, not 9"):
        verify(dreamer, path, seed=0, count=9, fmt=fmt)
    path.write_bytes(render(dreams200[:8], fmt).encode()[:-40])
    with pytest.raises(VerifyError):
        verify(dreamer, path, seed=0, count=8, fmt=fmt)


def test_verify_on_the_command_line(run, tmp_path):
    out = tmp_path / "d.txt"
    assert run("generate", "--seed", "3", "--count", "4", "--out", str(out)).exit_code == 0
    good = run("generate", "--seed", "3", "--count", "4", "--verify", str(out))
    assert good.exit_code == 0 and good.stdout.startswith(f"{out}: 4 records, as this run")
    bad = run("generate", "--seed", "4", "--count", "4", "--verify", str(out))
    assert bad.exit_code == 1 and "record 0 (dream 4) differs" in bad.output
    assert "--verify needs --seed" in run("generate", "--verify", str(out)).output
