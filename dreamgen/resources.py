"""Where dreamgen finds its built-in data, the user's own overlays and its cache."""

import os
import sys
from pathlib import Path

__all__ = ["builtin_dir", "builtin_path", "cache_path", "grammar_paths", "user_grammar_dir",
           "user_grammar_paths"]

_HERE = os.path.dirname(os.path.realpath(__file__))
_OVERLAY_SUFFIXES = (".json", ".yaml", ".yml")


def builtin_path(name):
    """The built-in ``grammars`` or ``corpus`` folder as a string, installed or in a checkout."""
    # An installed package carries the data inside it; a checkout keeps it at the top level.
    for candidate in (os.path.join(_HERE, name), os.path.join(os.path.dirname(_HERE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"dreamgen's built-in {name!r} folder is missing from {_HERE}")


def builtin_dir(name):
    """:func:`builtin_path` as a :class:`pathlib.Path`."""
    return Path(builtin_path(name))


def _platform_dir(kind, xdg_var, fallback):
    # On Linux and the BSDs platformdirs gives $XDG_..._HOME (or its default) plus the app
    # name. Importing platformdirs costs a start 13 ms (its unix module imports tempfile,
    # shutil, bz2 and lzma), against 0.1 ms for these lines.
    # An $XDG_ variable counts only when it is an absolute path, as the XDG spec says.
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        base = os.environ.get(xdg_var, "")
        if not os.path.isabs(base):
            base = os.path.expanduser(fallback)
        return os.path.join(base, "dreamgen")
    import platformdirs

    return getattr(platformdirs, f"user_{kind}_dir")("dreamgen")


def cache_path():
    """Where compiled models are cached: ``$DREAMGEN_CACHE_DIR`` or the platform's cache."""
    env = os.environ.get("DREAMGEN_CACHE_DIR")
    if env:
        return env
    return _platform_dir("cache", "XDG_CACHE_HOME", "~/.cache")


def user_grammar_dir():
    """The folder of overlays read by default: ``$DREAMGEN_CONFIG_DIR/grammars`` or the
    platform's config folder (``~/.config/dreamgen/grammars`` on Linux)."""
    return Path(_user_grammar_path())


def _user_grammar_path():
    env = os.environ.get("DREAMGEN_CONFIG_DIR")
    if env:
        return os.path.join(env, "grammars")
    return os.path.join(_platform_dir("config", "XDG_CONFIG_HOME", "~/.config"), "grammars")


def user_grammar_paths():
    """The overlay files in :func:`user_grammar_dir`, sorted by name, as strings."""
    folder = _user_grammar_path()
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    # splitext, like Path.suffix, gives ".json" no suffix at all.
    return sorted(e.path for e in entries
                  if os.path.splitext(e.name)[1] in _OVERLAY_SUFFIXES and e.is_file())


def grammar_paths(overlays=(), *, user_overlays=True):
    """``(arc_path, layer_paths)``: every grammar file a load reads, in layering order.

    The built-in grammar files sorted by name, then the user's overlays (with
    ``user_overlays``), then ``overlays``; all as strings, spelt as :class:`pathlib.Path`
    spells them (``./a.json`` is ``a.json``), since error messages name them.
    """
    folder = builtin_path("grammars")
    builtin = sorted(os.path.join(folder, n) for n in os.listdir(folder)
                     if n.endswith(".json") and n != "arc.json")
    return str(Path(folder, "arc.json")), [
        str(Path(p)) for p in (*builtin, *(user_grammar_paths() if user_overlays else ()),
                               *overlays)]
