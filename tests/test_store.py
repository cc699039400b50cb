"""The model cache: damage is a miss and a rebuild, never a crash or a hang."""

import os
import subprocess
import sys
from array import array

import pytest

from dreamgen.corpus import read_corpus
from dreamgen.markov import ModelSettings, Models
import dreamgen.cache
from dreamgen.cache import MODEL, cached_models, load_models, model_key, path as cache_path
from dreamgen.markov.build import FORMAT_VERSION, build_payload
from dreamgen.markov.store import dumps, loads

from conftest import FIXTURES, ROOT

BEATS = ("omen", "fall")
SETTINGS = ModelSettings(state_size=1)
TEXT = """:: omen
You walk down to the water and the water is cold under the moon.
You hear the bells ring out over the water and you stand in the cold.
The moon rises over the hills and you follow the light down to the sea.

:: fall
You wake in the grass and the bells ring on under the rising moon.
You follow the light over the hills and down to the cold water.
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def corpus(write):
    return read_corpus([write("c.txt", TEXT)], beats=BEATS)


def _chain(p):
    return p["chains"]["omen"]


DAMAGE = {
    "truncated": None,
    "a member outside the tokens": lambda p: _chain(p)["members"].__setitem__(
        -1, len(_chain(p)["tokens"]) + 5),
    "falling class offsets": lambda p: _chain(p)["starts"].__setitem__(1, _chain(p)["starts"][2] + 1),
    "tokens cut short": lambda p: _chain(p).update(tokens=_chain(p)["tokens"][:-3]),
    "a word outside the vocabulary": lambda p: _chain(p)["tokens"].__setitem__(
        2, len(p["vocab"].split("\n"))),
    "other format version": lambda p: p.update(format=-1),
    "n-grams out of order": lambda p: p.update(ngrams=array("Q", sorted(p["ngrams"])[::-1])),
    "short vocabulary": lambda p: p.update(vocab="___BEGIN__\n___END__"),
    "not a dict": lambda p: "model",
}


def _store(path, payload):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(dumps(payload))


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_is_rebuilt_with_a_warning(cache, corpus, damage):
    key = model_key(corpus.sha256, BEATS, SETTINGS, FORMAT_VERSION)
    path = cache_path(MODEL, key)
    good = build_payload(corpus, BEATS, SETTINGS, cache_key=key)
    if DAMAGE[damage] is None:
        _store(path, good)
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:-100])
    else:
        bad = loads(dumps(good), key)[0]
        changed = DAMAGE[damage](bad)
        _store(path, bad if changed is None else changed)
    # The warm start's reader turns it down too (and leaves the rebuild to load_models).
    assert cached_models(corpus.sha256, BEATS, SETTINGS) is None
    warnings = []
    models = load_models(corpus, BEATS, SETTINGS, warn=warnings.append)
    models.validate()
    assert cached_models(corpus.sha256, BEATS, SETTINGS) is not None
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: damaged model cache (")
    assert warnings[0].endswith("); rebuilding it")
    again = []
    load_models(corpus, BEATS, SETTINGS, warn=again.append)
    assert again == []
    name = os.path.basename(path)
    assert sorted(p.name for p in cache.iterdir()) == [name, name + ".ok"]


def test_the_damage_reasons_are_specific(cache, corpus):
    key = model_key(corpus.sha256, BEATS, SETTINGS, FORMAT_VERSION)
    reasons = {}
    for damage in ("a member outside the tokens", "falling class offsets", "other format version",
                   "n-grams out of order"):
        p = build_payload(corpus, BEATS, SETTINGS, cache_key=key)
        DAMAGE[damage](p)
        _store(cache_path(MODEL, key), p)
        warnings = []
        load_models(corpus, BEATS, SETTINGS, warn=warnings.append)
        reasons[damage] = warnings[0].split("(", 1)[1].rsplit(")", 1)[0]
    assert reasons == {
        "a member outside the tokens": "chain 'omen': a class member outside the tokens",
        "falling class offsets": "chain 'omen': class offsets that fall",
        "other format version": "another format version",
        "n-grams out of order": "bad n-grams",
    }


def test_a_bit_flip_is_caught_by_the_checksum(cache, corpus):
    load_models(corpus, BEATS)
    path = next(p for p in cache.iterdir() if p.suffix == ".bin")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    warnings = []
    load_models(corpus, BEATS, warn=warnings.append)
    assert warnings == [f"{path}: damaged model cache (checksum mismatch (truncated or "
                        "damaged)); rebuilding it"]


def test_an_unwritable_cache_folder_warns_and_carries_on(tmp_path, monkeypatch, corpus):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(blocker / "cache"))
    warnings = []
    models = load_models(corpus, BEATS, warn=warnings.append)
    models.validate()
    assert len(warnings) == 1 and "cannot write model cache" in warnings[0]
    assert blocker.read_text() == "not a folder"


def test_the_cache_key_covers_corpus_beats_settings_and_versions(corpus, write, monkeypatch):
    base = model_key(corpus.sha256, BEATS, ModelSettings(), FORMAT_VERSION)
    other = read_corpus([write("d.txt", TEXT + "You sleep.\n")], beats=BEATS)
    keys = {
        "corpus": model_key(other.sha256, BEATS, ModelSettings(), FORMAT_VERSION),
        "beats": model_key(corpus.sha256, ("omen",), ModelSettings(), FORMAT_VERSION),
        "state size": model_key(corpus.sha256, BEATS, ModelSettings(state_size=2),
                                FORMAT_VERSION),
        "novelty": model_key(corpus.sha256, BEATS, ModelSettings(novelty_words=5),
                             FORMAT_VERSION),
        "spread": model_key(corpus.sha256, BEATS, ModelSettings(min_spread=0.5), FORMAT_VERSION),
        "format": model_key(corpus.sha256, BEATS, ModelSettings(), FORMAT_VERSION + 1),
    }
    monkeypatch.setattr(dreamgen.cache, "__version__", "0.0.1")
    keys["dreamgen"] = model_key(corpus.sha256, BEATS, ModelSettings(), FORMAT_VERSION)
    assert base not in keys.values() and len(set(keys.values())) == len(keys)


def test_the_markovify_version_is_found_without_importing_it():
    import importlib.metadata

    code = ("import sys; from dreamgen.cache import _markovify_version; "
            "v = _markovify_version(); print(v, 'markovify' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == [importlib.metadata.version("markovify"), "False"]


def test_built_models_are_whole_at_every_state_size(corpus):
    for n in range(1, 6):
        Models(build_payload(corpus, BEATS, ModelSettings(state_size=n))).validate()


def test_two_processes_building_the_same_cache_both_succeed(tmp_path):
    env = dict(os.environ, DREAMGEN_CACHE_DIR=str(tmp_path / "shared"))
    # The small corpus: what is tested is two writers of one cache, not the size of the build.
    args = [sys.executable, "-m", "dreamgen", "generate", "--seed", "4", "--state-size", "2",
            "--no-builtin-corpus", "--corpus", str(FIXTURES / "tiny" / "corpus.txt")]
    procs = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0]
    assert results[0][0] == results[1][0] and results[0][0]
    assert [r[1] for r in results] == [b"", b""]
    files = sorted(p.name for p in (tmp_path / "shared").iterdir())
    # One model (and the .ok record that its content passed validation), one grammar
    # bundle and the digest memo, all whole; no temporary file left behind.
    assert files.pop(0) == "digests.memo"
    assert [name.split("-")[0] for name in files] == ["grammar", "model", "model"]
    assert [name.rsplit(".", 1)[1] for name in files] == ["bin", "bin", "ok"]

    def state():
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
                for p in (tmp_path / "shared").iterdir()}

    before = state()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, results[0][0], b"")
    # A warm start rewrites nothing; it only marks the model and the bundle as just used.
    after = state()
    assert {n: data for n, (data, _) in after.items()} == {n: d for n, (d, _) in before.items()}
    assert {n for n in after if after[n][1] > before[n][1]} == {
        n for n in after if n.endswith(".bin")}


def test_validation_runs_once_per_content(cache, corpus, monkeypatch):
    load_models(corpus, BEATS, SETTINGS)
    calls = []
    monkeypatch.setattr(Models, "validate", lambda self: calls.append(1))
    load_models(corpus, BEATS, SETTINGS)
    assert calls == []  # the .ok record matches this content: not walked again
    ok = next(p for p in cache.iterdir() if p.suffix == ".ok")
    ok.write_bytes(b"\0" * 32)
    load_models(corpus, BEATS, SETTINGS)
    assert calls == [1]  # a record for other content is no record


def test_a_model_evicted_by_another_process_while_being_read_is_a_silent_miss(
        cache, corpus, monkeypatch):
    warnings = []
    load_models(corpus, BEATS, SETTINGS, warn=warnings.append)
    path = cache_path(MODEL, model_key(corpus.sha256, BEATS, SETTINGS, FORMAT_VERSION))

    def evicted_meanwhile(file, *args, **kwargs):
        if file == path:  # another process's prune, between finding the file and opening it
            os.unlink(file)
            os.unlink(file + ".ok")
        return open(file, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(dreamgen.cache, "open", evicted_meanwhile, raising=False)
        models = load_models(corpus, BEATS, SETTINGS, warn=warnings.append)
    models.validate()
    assert warnings == []
    assert cached_models(corpus.sha256, BEATS, SETTINGS) is not None
    assert sorted(p.name for p in cache.iterdir()) == [os.path.basename(path),
                                                        os.path.basename(path) + ".ok"]
