"""The arc's beats as text (one line a beat) or JSON."""

__all__ = ["BEATS_FORMATS", "render"]

BEATS_FORMATS = ("text", "json")


def render(beats, fmt):
    """``beats`` (an arc's :class:`~dreamgen.arc.Beat` list) in ``fmt``, text or json."""
    if fmt == "text":
        return "".join(f"{i:2}. {b.name:<11} #{b.entry}#  {b.purpose}\n"
                       for i, b in enumerate(beats, 1))
    if fmt == "json":
        import json

        return json.dumps([{"name": b.name, "entry": b.entry, "markov": b.markov,
                            "purpose": b.purpose} for b in beats], indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}")
