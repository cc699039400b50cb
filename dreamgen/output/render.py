"""Render dreams as text, markdown, json or jsonl; each a pure function of the dreams."""

import json

__all__ = ["FORMATS", "SEPARATOR", "render", "render_end", "render_one"]

FORMATS = ("text", "markdown", "json", "jsonl")
# Between two dreams of a text run: a blank line, this line, a blank line.
SEPARATOR = "~ ~ ~"


def _text(dream):
    return dream.text + "\n"


def _markdown(dream):
    return f"## {dream.title} (dream {dream.seed})\n\n{dream.text}\n"


def _jsonl(dream):
    return json.dumps(dream.to_dict(), ensure_ascii=False) + "\n"


def render_one(dream, fmt, index):
    """The piece of output for one dream; ``index`` is its place in the run (0 first).

    Pieces are made to be written one after another, so a long run streams.
    """
    if fmt == "text":
        return _text(dream) if index == 0 else f"\n{SEPARATOR}\n\n" + _text(dream)
    if fmt == "markdown":
        return _markdown(dream) if index == 0 else "\n---\n\n" + _markdown(dream)
    if fmt == "jsonl":
        return _jsonl(dream)
    if fmt == "json":
        body = json.dumps(dream.to_dict(), ensure_ascii=False, indent=2)
        body = "\n".join("  " + line for line in body.splitlines())
        return ("[\n" if index == 0 else ",\n") + body
    raise ValueError(f"unknown format {fmt!r}")


def render_end(fmt, count):
    """What closes a run of ``count`` dreams."""
    if fmt == "json":
        return "\n]\n" if count else "[]\n"
    return ""


def render(dreams, fmt="text"):
    """All of ``dreams`` as one string."""
    parts = [render_one(d, fmt, i) for i, d in enumerate(dreams)]
    return "".join(parts) + render_end(fmt, len(parts))
