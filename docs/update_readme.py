"""Rewrite the generated blocks of README.md (sample dream, arc, stats table) from the code.

    python docs/update_readme.py
"""

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DREAMGEN_CONFIG_DIR", tempfile.mkdtemp())

SAMPLE_SEED = 42
STATS_COUNT = 200


def blocks(dreamer, stats_report=None):
    """The README's generated blocks, by marker name."""
    from dreamgen.stats import format_markdown, report

    beats = "\n".join(f"{i}. **{b.name}**: {b.purpose}" for i, b in enumerate(dreamer.arc.beats, 1))
    r = stats_report or report(dreamer, count=STATS_COUNT)
    return {
        "sample": f"```text\n{dreamer.dream(SAMPLE_SEED).text}\n```",
        "beats": beats,
        "stats": format_markdown(r).rstrip("\n"),
    }


def pattern(name):
    return re.compile(rf"(<!-- {name} -->\n)(.*?)(\n<!-- /{name} -->)", re.S)


def read_blocks(text):
    return {name: m.group(2) for name in ("sample", "beats", "stats")
            for m in [pattern(name).search(text)] if m}


def main():
    from dreamgen import Dreamer

    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    for name, body in blocks(Dreamer.load(user_overlays=False)).items():
        text, n = pattern(name).subn(lambda m: m.group(1) + body + m.group(3), text)
        if n != 1:
            raise SystemExit(f"README.md has no <!-- {name} --> block")
    path.write_text(text, encoding="utf-8")
    print("README.md updated")


if __name__ == "__main__":
    main()
