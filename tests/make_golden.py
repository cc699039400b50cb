"""Rewrite tests/golden/ from the current code: run it only when a change of output is meant.

    python tests/make_golden.py
"""

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DREAMGEN_CONFIG_DIR", tempfile.mkdtemp())

from dreamgen import Dreamer  # noqa: E402
from dreamgen.output.render import render  # noqa: E402

# name -> (seeds, format, length)
CASES = {
    "seed-0.txt": ([0], "text", "full"),
    "seed-42.txt": ([42], "text", "full"),
    "seed-1000.md": ([1000], "markdown", "full"),
    "seeds-7-8.jsonl": ([7, 8], "jsonl", "full"),
    "seeds-0-2-micro.txt": ([0, 1, 2], "text", "micro"),
    "seed-42-micro.txt": ([42], "text", "micro"),
    "seeds-7-8-micro.jsonl": ([7, 8], "jsonl", "micro"),
    "seeds-0-1-short.txt": ([0, 1], "text", "short"),
    "seed-42-short.md": ([42], "markdown", "short"),
}


def main():
    dreamer = Dreamer.load(user_overlays=False)
    for name, (seeds, fmt, length) in CASES.items():
        text = render([dreamer.dream(s, length=length) for s in seeds], fmt)
        (HERE / "golden" / name).write_bytes(text.encode("utf-8"))
        print("wrote", name)


if __name__ == "__main__":
    main()
