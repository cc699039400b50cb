import builtins
import io
import os

import platformdirs
import pytest

from dreamgen import Dreamer, Settings, bundle, cache, compose
from dreamgen.corpus_lint import tag_names
from dreamgen.markov import ModelSettings
from dreamgen.resources import _platform_dir

from conftest import FIXTURES


def test_a_warm_load_parses_nothing_and_dreams_the_same(dreamer, monkeypatch):
    Dreamer.load()  # writes the bundle if no load before did

    def cold(*args, **kwargs):
        raise AssertionError("took the cold path")

    monkeypatch.setattr(Dreamer, "_load_cold", cold)
    monkeypatch.setattr(compose, "said_elsewhere", cold)  # the cast heads come bundled
    warm = Dreamer.load()
    assert [warm.dream(s).to_dict() for s in (0, 9, 42)] == \
        [dreamer.dream(s).to_dict() for s in (0, 9, 42)]
    assert warm.grammar.compiled == dreamer.grammar.compiled
    assert warm.grammar.layers == dreamer.grammar.layers and warm.arc == dreamer.arc


def test_a_warm_load_unpacks_the_layers_only_to_locate_an_error(dreamer, rebuilt):
    from dreamgen.errors import LimitError
    from dreamgen.settings import Limits

    Dreamer.load()
    warm = Dreamer.load()
    assert warm.grammar.layers._layers is None  # a dream never needs them
    warm.dream(1)
    assert warm.grammar.layers._layers is None
    tight = Settings(limits=Limits(max_nodes=5))
    cold = Dreamer(rebuilt.grammar, rebuilt.arc, rebuilt.models, rebuilt.corpus_sha256, tight)
    where = []
    for loaded in (Dreamer.load(settings=tight), cold):
        with pytest.raises(LimitError) as err:
            loaded.dream(1)
        where.append((err.value.path, err.value.line, err.value.column, str(err.value)))
    assert where[0] == where[1] and where[0][0].endswith(".json")


def test_pack_and_unpack_give_back_the_grammar(dreamer):
    facts = {"known": tag_names(dreamer.grammar), "cast_heads": dreamer._cast_heads()}
    arc, grammar, back = bundle.unpack(bundle.pack(dreamer.arc, dreamer.grammar, facts, "k"))
    assert (arc, grammar, back) == (dreamer.arc, dreamer.grammar, facts)


def _default_bundle():
    from dreamgen.compose import Settings

    settings = Settings()
    inputs = cache.Inputs(max_grammar_bytes=settings.max_grammar_bytes,
                          max_corpus_bytes=settings.max_corpus_bytes)
    return cache.path(cache.GRAMMAR, inputs.grammar_key), inputs.grammar_key


def _read(path, key):
    with open(path, "rb") as f:
        return bundle.loads(f.read(), key)


def test_a_damaged_bundle_is_rebuilt(dreamer):
    Dreamer.load()
    path, key = _default_bundle()
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(path, "wb").write(bytes(data))
    assert _read(path, key) is None
    assert Dreamer.load().dream(7).text == dreamer.dream(7).text
    assert _read(path, key) is not None


def test_a_cold_load_reads_each_input_file_once(write, tmp_path, monkeypatch):
    overlay = write("o.json", {"fallers": ["glass harp"]})
    extra = FIXTURES / "tiny" / "corpus.txt"
    inputs = cache.Inputs([overlay], [extra], builtin_corpus=False, max_grammar_bytes=10**6,
                          max_corpus_bytes=10**6)
    opened = []
    real = builtins.open

    def counting(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(compose, "_probe_markov", lambda *a: None)  # a tiny corpus fails it
    monkeypatch.setattr(builtins, "open", counting)
    monkeypatch.setattr(io, "open", counting)  # what pathlib opens with
    Dreamer.load([overlay], [extra], builtin_corpus=False, use_cache=False)
    read = [p for p in opened if p in {inputs.arc_path, *inputs.layer_paths, str(extra)}]
    assert sorted(read) == sorted({inputs.arc_path, *inputs.layer_paths, str(extra)})


def test_an_edited_overlay_is_never_served_stale(write):
    overlay = write("o.json", {"fallers": ["glass harp"]})
    assert "glass harp" in Dreamer.load(grammars=[overlay]).dream(1).text
    write("o.json", {"fallers": ["paper moon"]})
    text = Dreamer.load(grammars=[overlay]).dream(1).text
    assert "paper moon" in text and "glass harp" not in text


def test_a_bundle_made_at_another_overlay_weight_is_never_reused(write):
    overlay = write("o.json", {"+skyShapes": ["kites"]})
    loads = {w: Dreamer.load(grammars=[overlay], settings=Settings(overlay_weight=w))
             for w in (1.0, 0.0, 4.0)}
    again = Dreamer.load(grammars=[overlay], settings=Settings(overlay_weight=0.0))  # warm
    assert again.grammar.weights == loads[0.0].grammar.weights == {}
    assert loads[1.0].grammar.weights["skyShapes"] != loads[4.0].grammar.weights["skyShapes"]
    assert len({d.grammar_sha256 for d in loads.values()}) == 3
    with pytest.raises(ValueError):
        Settings(overlay_weight=-1)


def test_an_edited_corpus_is_never_served_stale(tmp_path):
    # The tiny corpus alone (it needs two words of context): what is tested is the cache key,
    # which the built-in corpus would only make slower to build twice.
    extra = tmp_path / "mine.txt"
    text = (FIXTURES / "tiny" / "corpus.txt").read_text(encoding="utf-8")
    extra.write_text(text, encoding="utf-8")
    settings = Settings(model=ModelSettings(state_size=2))
    first = Dreamer.load(corpora=[extra], builtin_corpus=False, settings=settings)
    extra.write_text(text.replace("dark water tonight", "dark zorblewise water tonight"), encoding="utf-8")
    second = Dreamer.load(corpora=[extra], builtin_corpus=False, settings=settings)
    assert first.corpus_sha256 != second.corpus_sha256
    assert "zorblewise" in second.models.vocab and "zorblewise" not in first.models.vocab


@pytest.mark.parametrize("kind, var, default", [("cache", "XDG_CACHE_HOME", "~/.cache"),
                                                ("config", "XDG_CONFIG_HOME", "~/.config")])
def test_folders_are_where_platformdirs_puts_them(monkeypatch, tmp_path, kind, var, default):
    want = getattr(platformdirs, f"user_{kind}_dir")
    monkeypatch.delenv(var, raising=False)
    assert _platform_dir(kind, var, default) == want("dreamgen")
    monkeypatch.setenv(var, str(tmp_path))
    assert _platform_dir(kind, var, default) == want("dreamgen") == str(tmp_path / "dreamgen")
