"""A provenance record (:func:`dreamgen.explain.explain`) as text, JSON or an HTML page."""

__all__ = ["EXPLAIN_FORMATS", "render", "render_text"]

EXPLAIN_FORMATS = ("text", "json", "html")


def _where(file, line):
    return f"{file}:{line}" if file else "(pushed variable)"


def _origin_lines(s):
    if s["origin"] == "grammar":
        g = s["grammar"]
        out = [f"grammar  {g['symbol']} rule {g['rule']}, sentence {g['sentence'] + 1}  "
               f"{_where(g['file'], g['line'])}"]
        for e in g["expansions"]:
            kind = "(variable)" if e["variable"] else f"rule {e['rule']}"
            out.append(f"{'  ' * e['depth']}{e['symbol']} {kind}: {e['text']}")
        return out
    m = s["markov"]
    longest = m["longest_overlap"]
    chain = m["model"]["chain"]
    out = [f"markov   chain {chain or '(none)'}, {m['walks']} "
           f"walk{'s' if m['walks'] != 1 else ''}"
           + (f"; longest overlap {longest['length']} words at "
              f"{longest['file']}:{longest['line']}" if longest else "")]
    out.append(f"  template: {m['template']}")
    for r in m["sources"]:
        out.append(f"  {r['file']}:{r['line']} ({r['beat'] or 'untagged'})  {r['words']}")
    return out


def render_text(record):
    """The dream beat by beat, each sentence with its origin beneath it."""
    c = record["counts"]
    cast = ", ".join(f"{k} = {v}" for k, v in record["cast"].items())
    out = [f"dream {record['seed']}: {c['grammar']} grammar sentences, "
           f"{c['markov']} Markov sentences", f"cast: {cast}"]
    total = len(record["beats"])
    for n, beat in enumerate(record["beats"], 1):
        out.append("")
        out.append(f"[{n}/{total} {beat['name']}]")
        for s in beat["sentences"]:
            out.append(s["text"])
            out.extend("    " + line for line in _origin_lines(s))
    return "\n".join(out) + "\n"


def render(record, fmt):
    """The record as ``text``, ``json`` or ``html``."""
    if fmt == "text":
        return render_text(record)
    if fmt == "json":
        import json  # here, as with html below: `generate` starts without either

        return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .explain_html import render_html

        return render_html(record)
    raise ValueError(f"unknown format {fmt!r}")
