"""Where dreamgen finds its built-in data and the user's own overlays."""

import os
from pathlib import Path

__all__ = ["builtin_dir", "user_grammar_dir", "user_grammar_files"]

_HERE = Path(__file__).resolve().parent
_OVERLAY_SUFFIXES = (".json", ".yaml", ".yml")


def builtin_dir(name):
    """The built-in ``grammars`` or ``corpus`` folder, installed or in a source checkout."""
    # An installed package carries the data inside it; a checkout keeps it at the top level.
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dreamgen's built-in {name!r} folder is missing from {_HERE}")


def user_grammar_dir():
    """The folder of overlays read by default: ``$DREAMGEN_CONFIG_DIR/grammars`` or the
    platform's config folder (``~/.config/dreamgen/grammars`` on Linux)."""
    env = os.environ.get("DREAMGEN_CONFIG_DIR")
    if env:
        return Path(env) / "grammars"
    import platformdirs

    return Path(platformdirs.user_config_dir("dreamgen")) / "grammars"


def user_grammar_files():
    folder = user_grammar_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in _OVERLAY_SUFFIXES and p.is_file())
