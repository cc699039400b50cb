"""The cache folder stays small: least-recently-used eviction, shared safely by processes."""

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor

from dreamgen import Dreamer
from dreamgen.cache import clear, entries, prune, touch, write

from conftest import CACHE_LIMITS

DEFAULT_CACHE_MAX_ENTRIES = CACHE_LIMITS[0]


def _entry(folder, name, size=10, age=0, ok=False):
    path = folder / name
    path.write_bytes(b"x" * size)
    when = 1_000_000 + age
    os.utime(path, (when, when))
    if ok:
        (folder / (name + ".ok")).write_bytes(b"d" * 32)
    return path


def test_entries_group_a_model_with_its_note_oldest_first(tmp_path):
    _entry(tmp_path, "grammar-b.bin", age=20)
    _entry(tmp_path, "model-a.bin", size=100, age=10, ok=True)
    (tmp_path / ".model-c.bin.1234.tmp").write_bytes(b"half")
    (tmp_path / "notes.txt").write_text("not ours")
    found = entries(tmp_path)
    assert [(e.name, e.size, len(e.paths)) for e in found] == [
        ("model-a.bin", 132, 2), ("grammar-b.bin", 10, 1)]


def test_prune_removes_the_least_recently_used_beyond_the_count(tmp_path):
    for i in range(5):
        _entry(tmp_path, f"grammar-{i}.bin", age=i)
    _entry(tmp_path, "model-old.bin", age=-1, ok=True)
    removed = prune(tmp_path, max_entries=3)
    assert [e.name for e in removed] == ["model-old.bin", "grammar-0.bin", "grammar-1.bin"]
    assert sorted(os.listdir(tmp_path)) == ["grammar-2.bin", "grammar-3.bin", "grammar-4.bin"]


def test_prune_keeps_under_the_size_cap_but_always_keeps_the_newest(tmp_path):
    _entry(tmp_path, "model-a.bin", size=60, age=1)
    _entry(tmp_path, "model-b.bin", size=60, age=2)
    prune(tmp_path, max_bytes=100)
    assert os.listdir(tmp_path) == ["model-b.bin"]
    prune(tmp_path, max_bytes=1)
    assert os.listdir(tmp_path) == ["model-b.bin"]


def test_a_used_entry_is_kept_over_a_newer_unused_one(tmp_path):
    old = _entry(tmp_path, "model-old.bin", age=1)
    _entry(tmp_path, "grammar-new.bin", age=2)
    touch(old, tmp_path / "gone.bin")  # a vanished file is skipped
    prune(tmp_path, max_entries=1)
    assert os.listdir(tmp_path) == ["model-old.bin"]


def test_clear_removes_every_entry_and_nothing_else(tmp_path):
    _entry(tmp_path, "model-a.bin", ok=True)
    (tmp_path / "mine.txt").write_text("keep")
    assert [e.name for e in clear(tmp_path)] == ["model-a.bin"]
    assert os.listdir(tmp_path) == ["mine.txt"]
    assert entries(tmp_path / "missing") == []


def _writer(folder, tag, n=40):
    """Write and prune as a dreamgen process does, while another does the same."""
    for i in range(n):
        assert write(os.path.join(folder, f"model-{tag}{i}.bin"), b"m" * 1000)
        assert write(os.path.join(folder, f"model-{tag}{i}.bin.ok"), b"d" * 32)
        prune(folder, max_entries=5)
        entries(folder)
    return tag


def test_two_processes_writing_and_pruning_one_folder_both_succeed(tmp_path):
    with ProcessPoolExecutor(2) as pool:
        done = list(pool.map(_writer, [str(tmp_path)] * 2, ["a", "b"]))
    assert done == ["a", "b"]
    names = os.listdir(tmp_path)
    assert not [n for n in names if n.endswith(".tmp")]
    assert 1 <= len(entries(tmp_path)) <= 5
    # No orphaned note: each entry left is whole.
    assert all(n.endswith(".bin") or n[:-3] in names for n in names)


def test_a_cold_load_prunes_the_cache(dreamer, tmp_path, monkeypatch):
    import dreamgen.cache

    # The session's built model, so the load is cold for the grammar only (and prunes)
    # without building the model again.
    session = os.environ["DREAMGEN_CACHE_DIR"]
    for name in os.listdir(session):
        if name.startswith("model-"):
            shutil.copy2(os.path.join(session, name), tmp_path / name)
    monkeypatch.setattr(dreamgen.cache, "DEFAULT_CACHE_MAX_ENTRIES", DEFAULT_CACHE_MAX_ENTRIES)
    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path))
    for i in range(DEFAULT_CACHE_MAX_ENTRIES + 5):
        _entry(tmp_path, f"grammar-stale{i:02}.bin", age=i)
    Dreamer.load(user_overlays=False)
    found = entries(tmp_path)
    assert len(found) == DEFAULT_CACHE_MAX_ENTRIES == 16
    assert {"model", "grammar"} <= {e.name.split("-")[0] for e in found}
    assert "grammar-stale00.bin" not in {e.name for e in found}


def test_the_entries_a_load_just_used_are_never_evicted(tmp_path):
    used = _entry(tmp_path, "model-used.bin", age=0, ok=True)
    for i in range(4):
        _entry(tmp_path, f"grammar-{i}.bin", age=10 + i)
    prune(tmp_path, keep=[used], max_entries=2)
    assert sorted(os.listdir(tmp_path)) == ["grammar-3.bin", "model-used.bin",
                                            "model-used.bin.ok"]


def test_prune_removes_a_dead_writers_temporary_file_but_not_a_live_ones(tmp_path):
    dead = _entry(tmp_path, ".model-a.bin.x1.tmp", age=-10**6)
    live = tmp_path / ".model-a.bin.x2.tmp"
    live.write_bytes(b"half")
    prune(tmp_path)
    assert not dead.exists() and live.exists()


def test_every_use_is_marked_so_eviction_follows_the_order_of_use(tmp_path):
    now = time.time()
    used = _entry(tmp_path, "model-used.bin")
    made = _entry(tmp_path, "grammar-made.bin")
    # Both within the last minute: the older one, used again just now, is the one kept.
    os.utime(used, (now - 60, now - 60))
    os.utime(made, (now - 30, now - 30))
    touch(used)
    assert [e.name for e in entries(tmp_path)] == ["grammar-made.bin", "model-used.bin"]
    prune(tmp_path, max_entries=1)
    assert os.listdir(tmp_path) == ["model-used.bin"]


# -- the digest memo --------------------------------------------------------------------------

def _opening(monkeypatch):
    """Every path opened from now on, by open(), io.open (pathlib) or os.open."""
    import builtins
    import io

    opened = []

    def counting(real):
        def opener(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                opened.append(os.fsdecode(file))
            return real(file, *args, **kwargs)
        return opener

    monkeypatch.setattr(builtins, "open", counting(builtins.open))
    monkeypatch.setattr(io, "open", counting(io.open))
    monkeypatch.setattr(os, "open", counting(os.open))
    return opened


def _settle_fast(monkeypatch):
    """Files written by the test count as settled after 0.2 s, not 3 s."""
    import dreamgen.cache

    monkeypatch.setattr(dreamgen.cache, "_SETTLE_NS", 200_000_000)
    time.sleep(0.25)


def test_a_warm_load_opens_no_grammar_or_corpus_file(dreamer, monkeypatch):
    from dreamgen.resources import builtin_path

    Dreamer.load()
    Dreamer.load()  # every file's digest is remembered by now
    memo = os.path.join(os.environ["DREAMGEN_CACHE_DIR"], "digests.memo")
    before = open(memo, "rb").read()
    opened = _opening(monkeypatch)
    warm = Dreamer.load()
    text = warm.dream(3).text
    ours = (builtin_path("grammars"), builtin_path("corpus"))
    assert [p for p in opened if p.startswith(ours)] == []
    assert text == dreamer.dream(3).text
    monkeypatch.undo()
    assert open(memo, "rb").read() == before  # nothing new to remember: not rewritten


def test_a_file_changed_just_now_is_not_remembered_until_it_settles(write, monkeypatch):
    from dreamgen.cache import read_memo

    overlay = str(write("o.json", {"fallers": ["glass harp"]}))
    Dreamer.load(grammars=[overlay])
    assert overlay not in read_memo()
    _settle_fast(monkeypatch)
    Dreamer.load(grammars=[overlay])
    assert overlay in read_memo()


def test_a_same_size_edit_that_puts_the_mtime_back_is_still_noticed(write, monkeypatch):
    from dreamgen.cache import read_memo

    overlay = write("o.json", {"fallers": ["glass harp"]})
    _settle_fast(monkeypatch)
    assert "glass harp" in Dreamer.load(grammars=[overlay]).dream(1).text
    assert str(overlay) in read_memo()
    was = os.stat(overlay)

    def edit():
        with open(overlay, "r+b") as f:  # in place: the same inode
            data = f.read()
            f.seek(0)
            f.write(data.replace(b"glass harp", b"paper moon"))
        os.utime(overlay, ns=(was.st_atime_ns, was.st_mtime_ns))

    edit()
    for _ in range(30):  # a file system that keeps whole seconds: edit until ctime moves
        if os.stat(overlay).st_ctime_ns != was.st_ctime_ns:
            break
        time.sleep(0.1)
        edit()
    now = os.stat(overlay)
    assert (now.st_size, now.st_ino, now.st_mtime_ns) == (was.st_size, was.st_ino,
                                                          was.st_mtime_ns)
    text = Dreamer.load(grammars=[overlay]).dream(1).text
    assert "paper moon" in text and "glass harp" not in text


def test_a_damaged_memo_is_hashed_past_and_written_again(dreamer, monkeypatch):
    from dreamgen.cache import read_memo

    Dreamer.load()
    memo = os.path.join(os.environ["DREAMGEN_CACHE_DIR"], "digests.memo")
    whole = open(memo, "rb").read()
    assert read_memo()
    damaged = bytearray(whole)
    damaged[len(damaged) // 2] ^= 0xFF
    for data in (bytes(damaged), whole[:len(whole) // 2], b"", b"DGD2" + b"\0" * 40):
        with open(memo, "wb") as f:
            f.write(data)
        assert read_memo() == {}
        assert Dreamer.load().dream(5).text == dreamer.dream(5).text
        assert read_memo()  # every file hashed again, and remembered


def test_a_wrong_remembered_digest_stores_no_bundle_and_is_forgotten(write, monkeypatch):
    from dreamgen import cache
    from dreamgen.settings import Settings

    overlay = str(write("o.json", {"fallers": ["glass harp"]}))
    _settle_fast(monkeypatch)
    Dreamer.load(grammars=[overlay])
    memo = cache.read_memo()
    memo[overlay] = (*memo[overlay][:-1], "0" * 64)  # the file's stamp, another file's hash
    cache.write_memo(memo)
    s = Settings()
    inputs = cache.Inputs([overlay], max_grammar_bytes=s.max_grammar_bytes,
                          max_corpus_bytes=s.max_corpus_bytes)
    wrong = cache.path(cache.GRAMMAR, inputs.grammar_key)
    assert "glass harp" in Dreamer.load(grammars=[overlay]).dream(1).text
    assert not os.path.exists(wrong)
    assert overlay not in cache.read_memo()


def test_a_load_without_the_cache_hashes_and_remembers_nothing(tmp_path, monkeypatch):
    from dreamgen import cache
    from dreamgen.markov import ModelSettings
    from dreamgen.settings import Settings

    from conftest import FIXTURES

    def never(*args):
        raise AssertionError("hashed for the cache")

    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_sha256", never)
    monkeypatch.setattr(cache, "read_memo", never)
    corpus = FIXTURES / "tiny" / "corpus.txt"
    opened = _opening(monkeypatch)
    Dreamer.load(corpora=[corpus], builtin_corpus=False, use_cache=False,
                 settings=Settings(model=ModelSettings(state_size=2)))
    assert opened.count(str(corpus)) == 1
    assert not (tmp_path / "cache").exists()


def test_cache_clear_removes_the_memo(run, monkeypatch, tmp_path):
    from dreamgen.cache import write_memo

    monkeypatch.setenv("DREAMGEN_CACHE_DIR", str(tmp_path))
    assert write_memo({"a.json": (1, 2, 3, 4, 5, "0" * 64)})
    _entry(tmp_path, "model-a.bin", ok=True)
    result = run("cache", "clear")
    assert result.exit_code == 0
    assert os.listdir(tmp_path) == []
