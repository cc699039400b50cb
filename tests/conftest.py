import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # not POSIX: each xdist worker builds its own models
    fcntl = None

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


# -- models built once a run -------------------------------------------------------------------
# Building a model cold takes seconds (the built-in corpus) or twice that (with the harbour
# dream, whose untagged paragraphs are classified). Each xdist worker has a cache of its own,
# which tests fill, prune and clear, so left alone every worker would build every model it
# loads. Instead the first worker to need a model builds it, in a process of its own, into a
# folder the run's workers share (a file lock keeps the others waiting), and each worker
# copies that folder into its own cache, where every load of the model is warm.

# The built-in model is built by this command at hash seed 0, into a cache folder it creates:
# test_cli compares its output with warm runs at other hash seeds.
COLD_ARGS = ["generate", "--seed", "3", "--count", "2", "--format", "jsonl"]
HARBOUR = ROOT / "docs" / "examples" / "harbour-dream.txt"  # a writer's own 694-word dream
SEEDS = {
    "builtin": ["-m", "dreamgen", *COLD_ARGS],
    "harbour": ["-c", "from dreamgen import Dreamer; "
                f"Dreamer.load(corpora=[{str(HARBOUR)!r}])"],
}


@contextmanager
def _locked(path, block=True):
    """Hold the lock file ``path``: yield True, or False at once if ``block`` is False and
    another process holds it."""
    with open(path, "a") as f:
        if fcntl is None:
            yield True
            return
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True  # closing the file releases the lock


class Seeds:
    """The models of :data:`SEEDS`, each built once for the run under ``root``."""

    def __init__(self, root):
        self.root = root
        root.mkdir(exist_ok=True)

    def built(self, name, block=True):
        """The folder of ``name``'s build, made now unless made already: None if it failed.

        The folder holds ``cache`` (what the cold run left in its empty cache folder) and
        ``stdout``. With ``block`` False, None also when another worker is building it.
        """
        folder = self.root / name
        with _locked(self.root / f"{name}.lock", block) as held:
            if not held:
                return None
            if not (folder / "stdout").exists() and not (folder / "failed").exists():
                folder.mkdir(exist_ok=True)
                # Its own empty folders: whatever a test has set, the build sees no overlays.
                env = dict(os.environ, DREAMGEN_CACHE_DIR=str(folder / "cache"),
                           DREAMGEN_CONFIG_DIR=str(folder / "config"), PYTHONHASHSEED="0")
                done = subprocess.run([sys.executable, *SEEDS[name]], cwd=ROOT, env=env,
                                      capture_output=True)
                # Written last: a folder with stdout holds a whole build. A failed build is
                # left to the tests that load the model to report.
                if done.returncode == 0:
                    (folder / "stdout").write_bytes(done.stdout)
                else:
                    (folder / "failed").write_bytes(done.stdout + done.stderr)
            return folder if (folder / "stdout").exists() else None

    def cold(self, name):
        """The folder of ``name``'s build (see :meth:`built`); a failed build fails the test."""
        folder = self.built(name)
        if folder is None:
            pytest.fail(f"the cold build of {name} failed:\n"
                        + (self.root / name / "failed").read_text(errors="replace"))
        return folder

    def copy(self, name, only=""):
        """Copy the cache files of ``name`` (those starting with ``only``) into the cache
        that ``$DREAMGEN_CACHE_DIR`` names."""
        folder = self.built(name)
        if folder is None:
            return
        for f in (folder / "cache").iterdir():
            if f.name.startswith(only):
                shutil.copy2(f, Path(os.environ["DREAMGEN_CACHE_DIR"]) / f.name)


@pytest.fixture(scope="session")
def seeds(tmp_path_factory):
    """The run's shared models (see :class:`Seeds`)."""
    base = tmp_path_factory.getbasetemp()
    if fcntl is not None and os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, which holds each worker's
    return Seeds(base / "seeds")


@pytest.fixture(scope="session", autouse=True)
def isolated_dirs(tmp_path_factory, seeds, request):
    """Every test runs with its own model cache and no user overlays; the cache starts with
    the built-in model in it."""
    cache = tmp_path_factory.mktemp("cache")
    config = tmp_path_factory.mktemp("config")
    old = {k: os.environ.get(k) for k in ("DREAMGEN_CACHE_DIR", "DREAMGEN_CONFIG_DIR")}
    os.environ["DREAMGEN_CACHE_DIR"] = str(cache)
    os.environ["DREAMGEN_CONFIG_DIR"] = str(config)
    # The session loads hundreds of overlays; evicting the built-in grammar among them would
    # make every later load cold. tests/test_cache.py tests eviction with its own limits.
    import dreamgen.cache

    dreamgen.cache.DEFAULT_CACHE_MAX_ENTRIES = dreamgen.cache.DEFAULT_CACHE_MAX_BYTES = 10**9
    # Start every build that the collected tests need and no other worker has started (the
    # harbour model, say, while another worker builds the built-in one), then wait for the
    # built-in model, which nearly every test loads.
    wanted = ["builtin"] + ["harbour"] * any("harbour" in getattr(item, "fixturenames", ())
                                             for item in request.session.items)
    for name in wanted:
        seeds.built(name, block=False)
    seeds.copy("builtin")
    yield
    dreamgen.cache.DEFAULT_CACHE_MAX_ENTRIES, dreamgen.cache.DEFAULT_CACHE_MAX_BYTES = CACHE_LIMITS
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


# Fixtures too costly to make in both xdist workers (a cold build, thousands of dreams): the
# tests that use one (or a fixture made from one) run in one worker (setup.cfg runs xdist
# with --dist loadgroup).
ONE_WORKER = ("rebuilt", "dreams1000", "builtin_report")


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(items):
    for item in items:
        for name in ONE_WORKER:
            if name in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(name))
    yield
    # pytest-xdist 3.8 tells the scheduler a test's group by writing "@group" into
    # item._nodeid, which pytest 9.2 no longer reads (pytest-dev/pytest-xdist#1386), so the
    # groups are silently lost; give pytest the grouped id itself. A no-op where xdist works.
    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if isinstance(grouped, str) and grouped != item.nodeid:
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(grouped)


@pytest.fixture(scope="session")
def dreamer():
    from dreamgen import Dreamer

    return Dreamer.load()


@pytest.fixture(scope="session")
def rebuilt():
    """The default dreamer built cold, past the cache: one build for every test that needs it
    (in one xdist worker: see pytest_collection_modifyitems)."""
    from dreamgen import Dreamer

    return Dreamer.load(use_cache=False)


@pytest.fixture(scope="session")
def harbour(seeds):
    """The default dreamer with the harbour dream (the guide's worked example) as --corpus,
    its model built once for the run."""
    from dreamgen import Dreamer

    seeds.copy("harbour")
    return Dreamer.load(corpora=[HARBOUR])


@pytest.fixture(scope="session")
def dreams200(dreamer):
    return [dreamer.dream(seed) for seed in range(200)]


@pytest.fixture(scope="session")
def dreams240(dreamer, dreams200):
    return dreams200 + [dreamer.dream(seed) for seed in range(200, 240)]


@pytest.fixture(scope="session")
def dreams1000(dreamer, dreams240):
    """Dreams 0 to 999 (the first 240 are the session's): every test of them runs in one xdist
    worker (ONE_WORKER)."""
    return dreams240 + [dreamer.dream(seed) for seed in range(240, 1000)]


@contextmanager
def unremembered():
    """Grammar checks as they were before any memo: every rule parsed, every file read and
    every grammar checked anew (tests/test_lint.py and test_properties.py compare the two)."""
    from unittest import mock

    from dreamgen.files import Memo
    from dreamgen.grammar import layers, lint, read, rules

    with mock.patch.object(lint, "parsed_rule", rules.compile_rule), \
            mock.patch.object(layers, "parsed_rule", rules.compile_rule), \
            mock.patch.object(read, "_CLEAN_READS", Memo(0)), \
            mock.patch.object(lint, "_CHECKED", Memo(0)):
        yield


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
