"""The model cache: damage is a miss and a rebuild, never a crash or a hang."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dreamgen.corpus import read_corpus
from array import array

from dreamgen.model import (_MAGIC, BACKGROUND, DEFAULT_STATE_SIZE, ModelSettings, Models,
                            _pack_chains, _pack_forced, build_payload, cache_dir, cache_key,
                            cache_path, cached_models, dumps, load_models, loads)

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
    body = dumps(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_MAGIC + hashlib.sha256(body).digest() + body)


def _unpacked(p):
    """The stored arrays as dicts again (``code -> (lo, hi, total)``, ``code -> run``), to
    damage as plainly as before and pack again with the model's own packers."""
    chains = {}
    for name, part in p["chains"].items():
        codes, offs = part["codes"], part["offs"]
        index = {code: (offs[i], offs[i + 1], part["cum"][offs[i + 1] - 1])
                 for i, code in enumerate(codes)}
        chains[name] = (index, list(part["nexts"]), list(part["cum"]))
    f = p["forced"]
    forced = {code: (tuple(f["words"][f["offs"][i]:f["offs"][i + 1]]), f["after"][i],
                     bool(f["ended"][i])) for i, code in enumerate(f["codes"])}
    return chains, forced


def _repacked(damage):
    def apply(p):
        chains, forced = _unpacked(p)
        damage(p, chains, forced)
        p["chains"], p["forced"] = _pack_chains(chains), _pack_forced(forced)
    return apply


@_repacked
def _reverse_weights(p, chains, forced):
    # One branching state's first running weight above its total: the weights then fall.
    index, nexts, cum = chains[BACKGROUND]
    lo, hi, total = next(e for e in index.values() if e[1] - e[0] > 1)
    cum[lo] = total + 1


def _string_weights(p):
    p["chains"][BACKGROUND]["cum"] = "heavy"


@_repacked
def _missing_state(p, chains, forced):
    # Drop a state that a branching state leads to (and no forced run does) from every chain.
    index, nexts, cum = chains[BACKGROUND]
    v = p["vocab"].count("\n") + 1
    keep = v ** (p["settings"]["state_size"] - 1)
    afters = {after for _, after, ended in forced.values() if not ended}
    code = next(state % keep * v + nexts[j]
                for state, (lo, hi, _) in index.items() for j in range(lo, hi)
                if state % keep * v + nexts[j] in index
                and state % keep * v + nexts[j] not in afters | {0})
    for chain in chains.values():
        chain[0].pop(code, None)


@_repacked
def _no_end(p, chains, forced):
    # Every sentence end leads back to a sentence's first word instead, in the chains and in
    # the forced runs: a cycle with no way out. (With one word of context, that word's state
    # is the word's id, and it exists, so nothing is missing.)
    assert p["settings"]["state_size"] == 1
    index, nexts, cum = chains[BACKGROUND]
    first = next(w for w in nexts[index[0][0]:index[0][1]] if w in index)
    for _, chain_nexts, _ in chains.values():
        chain_nexts[:] = [first if w == 1 else w for w in chain_nexts]
    for code, (run, after, ended) in list(forced.items()):
        if ended:
            forced[code] = (run + (first,), first, False)


@_repacked
def _stalled_run(p, chains, forced):
    # A forced run of no words that does not end, from the start back to the start: a walk
    # would take it for ever without counting a word.
    forced[0] = ((), 0, False)


def _float_word(p):
    # Stored arrays hold unsigned ints only; one of floats is a file that is not ours.
    p["chains"][BACKGROUND]["nexts"] = array("d", p["chains"][BACKGROUND]["nexts"])


def _unsorted_states(p):
    # Bisection needs rising codes: two swapped states would be looked up in vain.
    codes = p["chains"][BACKGROUND]["codes"]
    codes[0], codes[1] = codes[1], codes[0]


def _wrong_background_row(p):
    # A beat chain that copies the background (whole, were each row its own) but points each
    # state at the background's next row.
    part = p["chains"][BACKGROUND]
    n = len(part["codes"])
    p["chains"]["omen"] = dict(part, bg=array("I", [(i + 1) % n for i in range(n)]))


def _short_offsets(p):
    p["chains"][BACKGROUND]["offs"].pop()


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
    "run with no progress": _stalled_run,
    "word that is a float": _float_word,
    "wrong state size": _wrong_state_size,
    "other format version": _other_format,
    "negative vocabulary": lambda p: p.update(vocab=-1),
    "states out of order": _unsorted_states,
    "wrong background row": _wrong_background_row,
    "short offsets": _short_offsets,
    "bad array type code": lambda p: p["ngrams"].update(low=array("d", p["ngrams"]["low"])),
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
        bad = loads(dumps(good))
        changed = DAMAGE[damage](bad)
        _store(path, bad if changed is None else changed)
    # The warm start's reader turns it down too (and leaves the rebuild to load_models).
    assert cached_models(corpus.sha256, settings, version=VERSION) is None
    warnings = []
    models = load_models(corpus, settings, version=VERSION, warn=warnings.append)
    models.validate()
    assert cached_models(corpus.sha256, settings, version=VERSION) is not None
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: damaged model cache (")
    assert warnings[0].endswith("); rebuilding it")
    # Rebuilt whole: the next load uses it without a word.
    again = []
    load_models(corpus, settings, version=VERSION, warn=again.append)
    assert again == []
    assert sorted(p.name for p in cache.iterdir()) == [path.name, path.name + ".ok"]


def test_the_damage_reasons_are_specific(cache, corpus):
    settings = SETTINGS
    key = cache_key(corpus, settings, VERSION)
    reasons = {}
    for damage in ("weights that fall", "missing state", "cycle with no end",
                   "run with no progress", "wrong state size", "other format version"):
        p = build_payload(corpus, settings, cache_key=key)
        DAMAGE[damage](p)
        _store(cache_path(key), p)
        warnings = []
        load_models(corpus, settings, version=VERSION, warn=warnings.append)
        reasons[damage] = warnings[0].split("(", 1)[1].rsplit(")", 1)[0]
    assert reasons == {
        "weights that fall": "chain '*': weights that do not rise",
        "missing state": "chain '*': a successor leads to a missing state",
        "cycle with no end": "chain '*': a cycle with no end",
        "run with no progress": "a forced run that makes no progress",
        "wrong state size": "built for another corpus or settings",
        "other format version": "another format version",
    }


def test_a_bit_flip_is_caught_by_the_checksum(cache, corpus):
    load_models(corpus, version=VERSION)
    path = next(p for p in cache.iterdir() if p.suffix == ".bin")
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
    base = cache_key(corpus, ModelSettings(), VERSION)
    other_corpus = read_corpus([write("d.txt", TEXT + "You sleep.\n")])
    keys = {
        "corpus": cache_key(other_corpus, ModelSettings(), VERSION),
        "state size": cache_key(corpus, ModelSettings(state_size=3), VERSION),
        "beat weight": cache_key(corpus, ModelSettings(beat_weight=2), VERSION),
        "novelty": cache_key(corpus, ModelSettings(novelty_words=5), VERSION),
        "dreamgen": cache_key(corpus, ModelSettings(), "0.0.1"),
    }
    # The key reads markovify's version from the loaded module (or, before it is imported,
    # from its installed distribution's folder name; see the next test).
    import markovify

    monkeypatch.setattr(markovify, "__version__", "0.0.0", raising=False)
    keys["markovify"] = cache_key(corpus, ModelSettings(), VERSION)
    assert base not in keys.values() and len(set(keys.values())) == len(keys)


def test_the_markovify_version_is_found_without_importing_it():
    import importlib.metadata

    code = ("import sys; from dreamgen.model import _markovify_version; "
            "v = _markovify_version(); print(v, 'markovify' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == [importlib.metadata.version("markovify"), "False"]


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
    # One model and one grammar bundle, both whole; no temporary file left behind.
    files = sorted(p.name for p in (tmp_path / "shared").iterdir())
    # (.ok records that the model file's content passed validation.)
    assert [name.split("-")[0] for name in files] == ["grammar", "model", "model"]
    assert [name.rsplit(".", 1)[1] for name in files] == ["bin", "bin", "ok"]
    # A third run takes both as they are: the same dream, and nothing rewritten.
    def state():
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
                for p in (tmp_path / "shared").iterdir()}

    before = state()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, results[0][0], b"")
    assert state() == before


def test_validation_runs_once_per_content(cache, corpus, monkeypatch):
    load_models(corpus, SETTINGS, version=VERSION)
    calls = []
    monkeypatch.setattr(Models, "validate", lambda self: calls.append(1))
    load_models(corpus, SETTINGS, version=VERSION)
    assert calls == []  # the .ok record matches this content: not walked again
    ok = next(p for p in cache.iterdir() if p.suffix == ".ok")
    ok.write_bytes(b"\0" * 32)
    load_models(corpus, SETTINGS, version=VERSION)
    assert calls == [1]  # a record for other content is no record
