import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _cache_limits():
    import dreamgen.cache

    return dreamgen.cache.DEFAULT_CACHE_MAX_ENTRIES, dreamgen.cache.DEFAULT_CACHE_MAX_BYTES


# The cache's real limits, read before isolated_dirs raises them for the session.
CACHE_LIMITS = _cache_limits()


def library_defaults():
    """What the library does with no options, by the name of the CLI option that changes it."""
    from dreamgen import Settings

    s = Settings()
    return {"max_depth": s.limits.max_depth, "max_nodes": s.limits.max_nodes,
            "max_chars": s.limits.max_chars, "max_grammar_bytes": s.max_grammar_bytes,
            "max_corpus_bytes": s.max_corpus_bytes, "state_size": s.model.state_size,
            "markov_tries": s.markov_tries, "max_words": s.max_words}


def children(pid):
    """The process ids of ``pid``'s children (Linux), or [] once it has gone."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


@pytest.fixture
def tiny_disk(tmp_path):
    """A folder on a 1 MiB tmpfs (room for one chunk of jsonl dreams) to fill up for real;
    ``grow`` gives it room. Skipped where a tmpfs cannot be mounted (not root, no mount)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def grow(disk):
    """Give the ``tiny_disk`` room again."""
    subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)


@pytest.fixture(scope="session", autouse=True)
def isolated_dirs(tmp_path_factory):
    """Every test runs with its own model cache and no user overlays."""
    cache = tmp_path_factory.mktemp("cache")
    config = tmp_path_factory.mktemp("config")
    old = {k: os.environ.get(k) for k in ("DREAMGEN_CACHE_DIR", "DREAMGEN_CONFIG_DIR")}
    os.environ["DREAMGEN_CACHE_DIR"] = str(cache)
    os.environ["DREAMGEN_CONFIG_DIR"] = str(config)
    # The session loads hundreds of overlays; evicting the built-in grammar among them would
    # make every later load cold. tests/test_cache.py tests eviction with its own limits.
    import dreamgen.cache

    dreamgen.cache.DEFAULT_CACHE_MAX_ENTRIES = dreamgen.cache.DEFAULT_CACHE_MAX_BYTES = 10**9
    yield
    dreamgen.cache.DEFAULT_CACHE_MAX_ENTRIES, dreamgen.cache.DEFAULT_CACHE_MAX_BYTES = CACHE_LIMITS
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def dreamer():
    from dreamgen import Dreamer

    return Dreamer.load()


@pytest.fixture(scope="session")
def rebuilt():
    """The default dreamer built cold, past the cache: one build for every test that needs it."""
    from dreamgen import Dreamer

    return Dreamer.load(use_cache=False)


# A writer's own 694-word untagged dream (the guide's worked example).
HARBOUR = ROOT / "docs" / "examples" / "harbour-dream.txt"


@pytest.fixture(scope="session")
def harbour():
    """The default dreamer with the harbour dream as --corpus: one build for every test."""
    from dreamgen import Dreamer

    return Dreamer.load(corpora=[HARBOUR])


@pytest.fixture(scope="session")
def dreams200(dreamer):
    return [dreamer.dream(seed) for seed in range(200)]


@pytest.fixture(scope="session")
def dreams240(dreamer, dreams200):
    return dreams200 + [dreamer.dream(seed) for seed in range(200, 240)]


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path: text, bytes, or JSON for dicts and lists."""

    def _write(name, content):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, (dict, list)):
            path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def builtin_report(dreamer):
    from dreamgen.stats import report

    return report(dreamer, count=200)


@pytest.fixture
def run():
    """Invoke the ``dreamgen`` CLI in-process: ``run("generate", "--seed", "1")``."""
    from click.testing import CliRunner

    from dreamgen.cli import cli

    runner = CliRunner()

    def _run(*args, **kw):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kw)

    return _run
