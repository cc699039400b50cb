"""A provenance record as one self-contained HTML page; its style and script are the package
data files explain.css and explain.js beside this module."""

import html
from importlib.resources import files

__all__ = ["render_html"]

# The page may load nothing at all: only its own inline style and script run.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _asset(name):
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _e(text):
    return html.escape(str(text), quote=True)


def _summary(s):
    if s["origin"] == "grammar":
        g = s["grammar"]
        return (f"grammar: {g['symbol']} rule {g['rule']}, sentence {g['sentence'] + 1}"
                + (f" ({g['file']}:{g['line']})" if g["file"] else ""))
    m = s["markov"]
    longest = m["longest_overlap"]
    return (f"markov: chain {m['model']['chain'] or '(none)'}"
            + (f"; longest overlap {longest['length']} words ({longest['file']}:"
               f"{longest['line']})" if longest else ""))


def _expansions_html(expansions):
    if not expansions:
        return "<dd>none</dd>"
    items = []
    for x in expansions:
        kind = "variable" if x["variable"] else f"rule {x['rule']}"
        pad = f' style="margin-left:{(x["depth"] - 1) * 0.9:.1f}rem"' if x["depth"] > 1 else ""
        items.append(f"<li{pad}><code>#{_e(x['symbol'])}#</code> {_e(kind)}: {_e(x['text'])}"
                     "</li>")
    return f"<dd><ul>{''.join(items)}</ul></dd>"


def _detail_html(i, s):
    head = (f'<h3><span class="badge {s["origin"]}">{_e(s["origin"])}</span>'
            f'<span>{_e(s["beat"])}</span>'
            '<button type="button" class="close" aria-label="Close">\u00d7</button></h3>'
            f"<blockquote>{_e(s['text'])}</blockquote>")
    rows = []
    if s["origin"] == "grammar":
        g = s["grammar"]
        rows.append(f"<dt>symbol</dt><dd><code>#{_e(g['symbol'])}#</code> rule {g['rule']}, "
                    f"sentence {g['sentence'] + 1}</dd>")
        if g["file"]:
            rows.append(f"<dt>written at</dt><dd><code>{_e(g['file'])}:{g['line']}</code></dd>")
        if g["template"] is not None:
            rows.append(f"<dt>rule</dt><dd><code>{_e(g['template'])}</code></dd>")
        rows.append("<dt>expanded</dt>" + _expansions_html(g["expansions"]))
        variables = "".join(f"<li><code>{_e(k)}</code> = {_e(v)}</li>"
                            for k, v in g["variables"].items())
        rows.append(f"<dt>variables</dt><dd><ul>{variables or '<li>none</li>'}</ul></dd>")
    else:
        m = s["markov"]
        model = m["model"]
        rows.append(f"<dt>model</dt><dd>the <code>{_e(model['chain'] or '(none)')}</code> "
                    f"chain of that beat's corpus sentences, "
                    f"{model['state_size']} words of context</dd>")
        rows.append(f"<dt>walks</dt><dd>{m['walks']}</dd>")
        rows.append(f"<dt>template</dt><dd><code>{_e(m['template'])}</code></dd>")
        longest = m["longest_overlap"]
        if longest:
            rows.append(f"<dt>longest overlap</dt><dd>{longest['length']} words from "
                        f"<code>{_e(longest['file'])}:{longest['line']}</code><br>"
                        f"\u201c{_e(longest['words'])}\u201d</dd>")
        sources = "".join(
            f"<li><code>{_e(r['file'])}:{r['line']}</code><br>"
            f"<span class=\"note\">{_e(r['beat'] or 'untagged')}, {r['length']} words:</span> "
            f"\u201c{_e(r['words'])}\u201d</li>" for r in m["sources"])
        rows.append(f"<dt>corpus lines</dt><dd><ol>{sources}</ol></dd>")
        if m["expansions"]:
            rows.append("<dt>expanded</dt>" + _expansions_html(m["expansions"]))
    return (f'<div class="detail" id="d{i}" hidden>{head}<dl>{"".join(rows)}</dl></div>')


def render_html(record):
    """One self-contained page (inline CSS and script, no network) showing the dream with
    grammar and Markov sentences told apart, and each sentence's origin on click or tap."""
    c = record["counts"]
    beats, details, i = [], [], 0
    for n, beat in enumerate(record["beats"], 1):
        spans = []
        for s in beat["sentences"]:
            spans.append(f'<span class="s {s["origin"]}" data-i="{i}" role="button" '
                         f'tabindex="0" aria-pressed="false" title="{_e(_summary(s))}">'
                         f"{_e(s['text'])}</span>")
            details.append(_detail_html(i, s))
            i += 1
        beats.append(f'<section class="beat" data-beat="{_e(beat["name"])}">'
                     f"<h2>{n} \u00b7 {_e(beat['name'])}</h2><p>{' '.join(spans)}</p></section>")
    cast = "".join(f"<li><code>{_e(k)}</code> = {_e(v)}</li>" for k, v in record["cast"].items())
    meta = (f"dreamgen {_e(record['version'])} \u00b7 grammar {_e(record['grammar_sha256'][:12])}"
            f" \u00b7 corpus {_e(record['corpus_sha256'][:12])}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>Dream {record['seed']} explained \u00b7 dreamgen</title>
<style>
{_asset('explain.css')}</style>
</head>
<body>
<div class="wrap">
<header>
<h1>Dream {record['seed']}</h1>
<div class="meta">{meta}</div>
<ul class="legend" aria-label="Legend">
<li><span class="key grammar"></span>grammar sentence: a Tracery rule ({c['grammar']})</li>
<li><span class="key markov"></span>Markov sentence: learned from the corpus ({c['markov']})</li>
</ul>
<p class="hint">Click or tap a sentence to see where it came from.</p>
</header>
<main>
{chr(10).join(beats)}
</main>
<aside aria-live="polite">
<div class="panel" id="panel-body">
<h3>Where it came from</h3>
<p>Click or tap any sentence: a grammar sentence shows its symbol, rule, file and line,
what each tag expanded to and the variables in force; a Markov sentence shows its chain and
the corpus lines (file and line) whose words it reuses.</p>
<dl><dt>cast</dt><dd><ul>{cast}</ul></dd></dl>
</div>
</aside>
</div>
<div hidden>
{chr(10).join(details)}
</div>
<script>
{_asset('explain.js')}</script>
</body>
</html>
"""
