"""The model cache: damage is a miss and a rebuild, never a crash or a hang."""

import hashlib
import marshal
import os
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from dreamgen.corpus import read_corpus
from dreamgen.model import (_MAGIC, DEFAULT_STATE_SIZE, ModelSettings, Models, build_payload,
                            cache_dir, cache_key, cache_path, load_models)

from conftest import ROOT

VERSION = "test"
SETTINGS = ModelSettings(state_size=1)
TEXT = """You walk down to the water and the water is cold under the moon.
You hear the bells ring out over the water and you stand in the cold.
The moon rises over the hills and you follow the light down to the sea.
You wake in the grass and the bells ring on under the rising moon.
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def corpus(write):
    return read_corpus([write("c.txt", TEXT)])


def _store(path, payload):
    body = marshal.dumps(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_MAGIC + hashlib.sha256(body).digest() + body)


def _chain_arrays(payload, name="*"):
    kinds = ("I", "I", "I", "Q")
    out = []
    for kind, raw in zip(kinds, payload["chains"][name]):
        a = array(kind)
        a.frombytes(raw)
        out.append(a)
    return out


def _set_chain(payload, arrays, name="*"):
    payload["chains"][name] = tuple(a.tobytes() for a in arrays)


def _reverse_weights(p):
    states, offsets, nexts, cum = _chain_arrays(p)
    i = next(i for i in range(len(offsets) - 1) if offsets[i + 1] - offsets[i] > 1)
    lo, hi = offsets[i], offsets[i + 1]
    cum[lo:hi] = array("Q", reversed(cum[lo:hi]))
    _set_chain(p, (states, offsets, nexts, cum))


def _string_weights(p):
    p["chains"]["*"] = p["chains"]["*"][:3] + ("heavy",)


def _missing_state(p):
    # Drop the last state (and its successors): some other state now leads nowhere.
    states, offsets, nexts, cum = _chain_arrays(p)
    n = p["settings"]["state_size"]
    lo = offsets[-2]
    _set_chain(p, (states[:-n], offsets[:-1], nexts[:lo], cum[:lo]))


def _no_end(p):
    # Every sentence end leads back to a sentence's first word: a cycle with no way out.
    # (With one word of context, that word's state exists, so nothing is missing.)
    assert p["settings"]["state_size"] == 1
    states, offsets, nexts, cum = _chain_arrays(p)
    first = nexts[0]
    for j, w in enumerate(nexts):
        if w == 1:
            nexts[j] = first
    _set_chain(p, (states, offsets, nexts, cum))


def _wrong_state_size(p):
    p["settings"] = dict(p["settings"], state_size=3)


def _other_format(p):
    p["format"] = 99


DAMAGE = {
    "truncated": None,
    "empty list": lambda p: [],
    "weights that fall": _reverse_weights,
    "string weights": _string_weights,
    "missing state": _missing_state,
    "cycle with no end": _no_end,
    "wrong state size": _wrong_state_size,
    "other format version": _other_format,
    "negative vocabulary": lambda p: p.update(vocab=-1),
    "not a dict": lambda p: "model",
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_is_rebuilt_with_a_warning(cache, corpus, damage):
    settings = SETTINGS
    key = cache_key(corpus, settings, VERSION)
    path = cache_path(key)
    good = build_payload(corpus, settings, cache_key=key)
    if DAMAGE[damage] is None:
        _store(path, good)
        path.write_bytes(path.read_bytes()[:-100])
    else:
        bad = marshal.loads(marshal.dumps(good))
        changed = DAMAGE[damage](bad)
        _store(path, bad if changed is None else changed)
    warnings = []
    models = load_models(corpus, settings, version=VERSION, warn=warnings.append)
    models.validate()
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: damaged model cache (")
    assert warnings[0].endswith("); rebuilding it")
    # Rebuilt whole: the next load uses it without a word.
    again = []
    load_models(corpus, settings, version=VERSION, warn=again.append)
    assert again == []
    assert [p.name for p in cache.iterdir()] == [path.name]


def test_the_damage_reasons_are_specific(cache, corpus):
    settings = SETTINGS
    key = cache_key(corpus, settings, VERSION)
    reasons = {}
    for damage in ("weights that fall", "missing state", "cycle with no end",
                   "wrong state size", "other format version"):
        p = build_payload(corpus, settings, cache_key=key)
        DAMAGE[damage](p)
        _store(cache_path(key), p)
        warnings = []
        load_models(corpus, settings, version=VERSION, warn=warnings.append)
        reasons[damage] = warnings[0].split("(", 1)[1].rsplit(")", 1)[0]
    assert reasons == {
        "weights that fall": "chain '*': weights that do not rise",
        "missing state": "chain '*': a successor state is missing",
        "cycle with no end": "chain '*': a cycle with no end",
        "wrong state size": "built for another corpus or settings",
        "other format version": "another format version",
    }


def test_a_bit_flip_is_caught_by_the_checksum(cache, corpus):
    load_models(corpus, version=VERSION)
    path = next(cache.iterdir())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    warnings = []
    load_models(corpus, version=VERSION, warn=warnings.append)
    assert warnings == [f"{path}: damaged model cache (checksum mismatch (truncated or "
                        "damaged)); rebuilding it"]


def test_an_unwritable_cache_folder_warns_and_carries_on(tmp_path, monkeypatch, corpus):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(blocker / "cache"))
    warnings = []
    models = load_models(corpus, version=VERSION, warn=warnings.append)
    models.validate()
    assert len(warnings) == 1 and "cannot write model cache" in warnings[0]
    assert blocker.read_text() == "not a folder"


def test_the_cache_key_covers_corpus_settings_and_versions(corpus, write, monkeypatch):
    import importlib.metadata

    base = cache_key(corpus, ModelSettings(), VERSION)
    other_corpus = read_corpus([write("d.txt", TEXT + "You sleep.\n")])
    keys = {
        "corpus": cache_key(other_corpus, ModelSettings(), VERSION),
        "state size": cache_key(corpus, ModelSettings(state_size=3), VERSION),
        "beat weight": cache_key(corpus, ModelSettings(beat_weight=2), VERSION),
        "novelty": cache_key(corpus, ModelSettings(novelty_words=5), VERSION),
        "dreamgen": cache_key(corpus, ModelSettings(), "0.0.1"),
    }
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "0.0.0" if name == "markovify" else real(name))
    keys["markovify"] = cache_key(corpus, ModelSettings(), VERSION)
    assert base not in keys.values() and len(set(keys.values())) == len(keys)


def test_the_cache_folder_is_platformdirs_unless_set(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("DREAMGEN_CACHE_DIR")
    assert cache_dir() == Path(platformdirs.user_cache_dir("dreamgen"))


def test_built_models_are_whole_at_every_state_size(corpus):
    for n in range(1, 6):
        Models(build_payload(corpus, ModelSettings(state_size=n))).validate()
    assert DEFAULT_STATE_SIZE == 2


def test_two_processes_building_the_same_cache_both_succeed(tmp_path):
    env = dict(os.environ, DREAMGEN_CACHE_DIR=str(tmp_path / "shared"))
    args = [sys.executable, "-m", "dreamgen", "generate", "--seed", "4", "--state-size", "3"]
    procs = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0]
    assert results[0][0] == results[1][0] and results[0][0]
    assert [r[1] for r in results] == [b"", b""]
    files = list((tmp_path / "shared").iterdir())
    assert len(files) == 1 and files[0].suffix == ".bin"  # no temporary file left behind
