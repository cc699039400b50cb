"""Plain Tracery expansions as text (one a line), JSON, JSON lines, or their trace trees."""

__all__ = ["EXPAND_FORMATS", "render"]

EXPAND_FORMATS = ("text", "json", "jsonl")


def render(records, fmt):
    """``records`` (dicts with ``seed``, ``text`` and perhaps ``trace``) in ``fmt``.

    Text gives each expansion's text on a line, or its trace tree when it has one.
    """
    import json  # here: the command line starts without it

    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "text":
        return "".join(json.dumps(r["trace"], indent=2, ensure_ascii=False) + "\n"
                       if "trace" in r else r["text"] + "\n" for r in records)
    raise ValueError(f"unknown format {fmt!r}")
