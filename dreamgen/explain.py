"""Where every sentence of a dream came from: the grammar path, or the Markov chain and the
corpus lines it reuses.

>>> from dreamgen import Dreamer
>>> record = explain(Dreamer.load(), 42)
>>> record["beats"][0]["sentences"][0]["origin"]
'grammar'
>>> join_text(record) == record["text"]
True
"""

import re
from bisect import bisect_right
from pathlib import Path

from .grammar import DEFAULT_LENGTH, Tag
from .text import split_sentences
from .errors import CorpusError
from .resources import builtin_dir

__all__ = ["EXPLAIN_FORMATS", "CorpusIndex", "explain", "join_text", "render", "render_html",
           "render_text", "shown_path"]

EXPLAIN_FORMATS = ("text", "json", "html")
# The page may load nothing at all: only its own inline style and script run.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
_WORD = re.compile(r"\S+")


def shown_path(path):
    """A path as a record shows it: built-in files as ``grammars/...`` or ``corpus/...``."""
    p = Path(path)
    for name in ("grammars", "corpus"):
        try:
            return f"{name}/{p.resolve().relative_to(builtin_dir(name).resolve()).as_posix()}"
        except (ValueError, OSError, FileNotFoundError):
            continue
    return str(path)


class CorpusIndex:
    """The corpus as runs of words with their file and line, indexed by word pairs.

    Markov sentences are compared as the chain made them, cast tags (``#fallen#``) and all,
    which is how the corpus writes them too.
    """

    def __init__(self, corpus):
        self.paragraphs = []  # (paragraph, words, lines)
        self.pairs = {}
        self.singles = {}
        for para in corpus.paragraphs():
            found = list(_WORD.finditer(para.text))
            words = tuple(m.group() for m in found)
            lines = tuple(para.line_at(m.start()) for m in found)
            p = len(self.paragraphs)
            self.paragraphs.append((para, words, lines))
            for k, word in enumerate(words):
                self.singles.setdefault(word, []).append((p, k))
                if k + 1 < len(words):
                    self.pairs.setdefault((word, words[k + 1]), []).append((p, k))

    def longest_from(self, words, i, beat):
        """The longest run of ``words`` from ``i`` found in the corpus, as ``(length, p, k)``.

        Among runs of one length, a paragraph of ``beat`` wins, then the earliest.
        """
        if i + 1 < len(words):
            places = self.pairs.get((words[i], words[i + 1]), ())
        else:
            places = self.singles.get(words[i], ())
        best = None
        for p, k in places:
            _, text, _ = self.paragraphs[p]
            n = 0
            while i + n < len(words) and k + n < len(text) and words[i + n] == text[k + n]:
                n += 1
            score = (n, self.paragraphs[p][0].beat == beat)
            if best is None or score > best[0]:
                best = (score, p, k)
        if best is None:
            return None
        return best[0][0], best[1], best[2]

    def sources(self, words, beat, state_size):
        """The corpus runs a walk reuses, in order, and the longest of all its runs.

        Each run after the first starts ``state_size`` words before the last one ended, the
        overlap the chain itself needed to join them.
        """
        longest = [self.longest_from(words, i, beat) for i in range(len(words))]
        runs, i = [], 0
        while i < len(words):
            found = longest[i]
            if found is None:
                i += 1
                continue
            n, p, k = found
            runs.append(self._run(words, i, n, p, k))
            if i + n >= len(words):
                break
            i = max(i + 1, i + n - state_size)
        best = max((f + (i,) for i, f in enumerate(longest) if f), default=None,
                   key=lambda f: (f[0], -f[3]))
        return runs, (self._run(words, best[3], *best[:3]) if best else None)

    def _run(self, words, i, n, p, k):
        para, _, lines = self.paragraphs[p]
        return {"file": shown_path(para.path), "line": lines[k], "beat": para.beat, "at": i,
                "length": n, "words": " ".join(words[i:i + n])}


def _step(step):
    return {"symbol": step.symbol, "rule": step.rule, "depth": step.depth, "text": step.text,
            "variable": step.variable}


def _grammar_detail(dreamer, trace):
    steps = trace.steps
    entry = steps[0]
    path, line, _ = dreamer.grammar.locate(entry.symbol, entry.rule)
    rules = dreamer.grammar.rules.get(entry.symbol, ())
    mine = _sentence_steps(dreamer.grammar, steps, trace.sentence)
    return {
        "symbol": entry.symbol,
        "rule": entry.rule,
        "sentence": trace.sentence,
        "file": None if entry.variable else shown_path(path),
        "line": None if entry.variable else line,
        "template": None if entry.variable or entry.rule >= len(rules) else rules[entry.rule],
        "expansions": [_step(s) for s in mine],
        "variables": dict(trace.variables),
    }


def _sentence_steps(grammar, steps, sentence):
    """The steps inside sentence number ``sentence`` of a beat's expansion."""
    entry = steps[0]
    text = entry.text
    starts, cursor = [], 0
    for part in split_sentences(text):
        at = text.find(part, cursor)
        starts.append(at)
        cursor = at + len(part)
    # Where each top-level tag's text begins, from the entry rule's literal pieces and tags.
    rules = () if entry.variable else grammar.compiled.get(entry.symbol, ())
    items = rules[entry.rule] if entry.rule < len(rules) else ()
    tops = [i for i, s in enumerate(steps) if s.depth == entry.depth + 1]
    offsets, t, at = {}, iter(tops), 0
    for item in items:
        if isinstance(item, str):
            at += len(item)
        elif isinstance(item, Tag):
            i = next(t, None)
            if i is None:
                break
            offsets[i] = at
            at += len(steps[i].text)
    chosen, current = [], 0
    for i, s in enumerate(steps[1:], 1):
        if i in offsets:
            current = max(0, bisect_right(starts, offsets[i]) - 1)
        # Deeper steps belong to the top-level tag above them.
        if current == sentence:
            chosen.append(s)
    return chosen


def _markov_detail(dreamer, trace, index):
    models = dreamer.models
    runs, longest = index.sources(trace.template, trace.chain, models.settings.state_size)
    return {
        "template": " ".join(trace.template),
        "model": {"chain": trace.chain if trace.chain in models.chains else None,
                  "state_size": models.settings.state_size},
        "walks": trace.walks,
        "sources": runs,
        "longest_overlap": longest,
        "expansions": [_step(s) for s in trace.steps],
    }


def explain(dreamer, seed, *, index=None, length=DEFAULT_LENGTH):
    """The provenance record of dream ``seed``: every sentence with its beat and origin.

    ``index`` (a :class:`CorpusIndex` of ``dreamer.corpus``) may be passed to reuse it;
    ``length`` is as for :meth:`Dreamer.dream`.
    """
    if index is None:
        if dreamer.corpus is None:
            raise CorpusError("this Dreamer holds no corpus to explain Markov sentences by; "
                              "make it with Dreamer.load")
        index = CorpusIndex(dreamer.corpus)
    dream = dreamer.dream(seed, trace=True, length=length)
    beats = []
    counts = {"grammar": 0, "markov": 0}
    for beat in dream.beats:
        sentences = []
        for s in beat.sentences:
            counts[s.origin] += 1
            item = {"text": s.text, "beat": s.beat, "origin": s.origin}
            if s.origin == "grammar":
                item["grammar"] = _grammar_detail(dreamer, s.trace)
            else:
                item["markov"] = _markov_detail(dreamer, s.trace, index)
            sentences.append(item)
        beats.append({"name": beat.name, "sentences": sentences})
    return {
        "seed": dream.seed,
        "title": dream.title,
        "length": dream.length,
        # beats per paragraph of "text" ([]: one paragraph a beat)
        "paragraphs": list(dream.paragraphs),
        "text": dream.text,
        "cast": dict(dream.cast),
        "counts": counts,
        "beats": beats,
        "grammar_sha256": dream.grammar_sha256,
        "corpus_sha256": dream.corpus_sha256,
        "version": dream.version,
    }


def join_text(record):
    """The dream's text, rebuilt from the record's sentences."""
    beats = [" ".join(s["text"] for s in b["sentences"]) for b in record["beats"]]
    sizes = record.get("paragraphs") or [1] * len(beats)
    paras, at = [], 0
    for n in sizes:
        paras.append(" ".join(beats[at:at + n]))
        at += n
    return "\n\n".join(paras)


# -- text ------------------------------------------------------------------------------

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


# -- html ------------------------------------------------------------------------------

_CSS = """
:root{--bg:#fbfaf7;--fg:#1f1d1a;--muted:#6b655c;--g:#dbe8fb;--g-edge:#3d6fb6;--m:#fbe3bd;
--m-edge:#b26a00;--panel:#fff;--line:#e3ded5}
@media (prefers-color-scheme:dark){:root{--bg:#17181b;--fg:#ecebe8;--muted:#a19d96;
--g:#1f3553;--g-edge:#8db4ea;--m:#4a3416;--m-edge:#f0b35a;--panel:#222327;--line:#3a3b40}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:17px/1.65 Georgia,"Iowan Old Style","DejaVu Serif",serif}
.wrap{max-width:72rem;margin:0 auto;padding:1rem 1rem 3rem;display:grid;gap:1.5rem;
grid-template-columns:minmax(0,1fr)}
header h1{font-size:1.6rem;line-height:1.2;margin:.5rem 0 .25rem}
.meta{color:var(--muted);font:13px/1.4 system-ui,sans-serif;overflow-wrap:anywhere}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;margin:.75rem 0 0;padding:0;
list-style:none;font:14px/1.4 system-ui,sans-serif}
.legend li{display:flex;align-items:center;gap:.45rem}
.key{display:inline-block;width:2.2rem;height:1.1rem;border-radius:3px}
.key.grammar{background:var(--g);border-bottom:3px solid var(--g-edge)}
.key.markov{background:var(--m);border-bottom:3px dotted var(--m-edge)}
.hint{color:var(--muted);font:13px/1.4 system-ui,sans-serif;margin:.4rem 0 0}
section.beat{margin:0 0 1.1rem}
section.beat h2{font:600 12px/1.2 system-ui,sans-serif;letter-spacing:.08em;
text-transform:uppercase;color:var(--muted);margin:0 0 .3rem}
section.beat p{margin:0}
.s{cursor:pointer;border-radius:3px;padding:.05em .1em;-webkit-box-decoration-break:clone;
box-decoration-break:clone;outline-offset:1px;-webkit-tap-highlight-color:transparent}
.s.grammar{background:var(--g);border-bottom:2px solid var(--g-edge)}
.s.markov{background:var(--m);border-bottom:2px dotted var(--m-edge)}
.s:hover{filter:brightness(.94)}
.s:focus-visible{outline:2px solid var(--fg)}
.s[aria-pressed=true]{outline:2px solid var(--fg)}
aside{font:14px/1.5 system-ui,sans-serif}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.9rem 1rem}
.panel h3{margin:0 0 .4rem;font-size:15px;display:flex;gap:.5rem;align-items:center}
.panel .close{margin-left:auto;font:inherit;font-size:20px;line-height:1;background:none;
border:0;color:var(--muted);cursor:pointer;padding:.2rem .4rem}
.badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-weight:600}
.badge.grammar{background:var(--g);border-bottom:2px solid var(--g-edge)}
.badge.markov{background:var(--m);border-bottom:2px dotted var(--m-edge)}
.panel blockquote{margin:.3rem 0 .6rem;padding-left:.7rem;border-left:3px solid var(--line);
font-family:Georgia,"DejaVu Serif",serif}
.panel dl{margin:0;display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem .7rem}
.panel dt{color:var(--muted)}
.panel dd{margin:0;overflow-wrap:break-word;min-width:0}
.panel ol,.panel ul{margin:.2rem 0 .4rem;padding-left:1.2rem}
.panel li{margin:.3rem 0;overflow-wrap:break-word}
code{font:12.5px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:break-word}
.note{color:var(--muted)}
.detail[hidden]{display:none}
@media (min-width:900px){
.wrap{grid-template-columns:minmax(0,1fr) 26rem;padding:2rem}
header{grid-column:1/-1}
aside{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto}
.panel .close{display:none}}
@media (max-width:899px){
aside{position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2;
display:none;box-shadow:0 -6px 24px rgba(0,0,0,.25)}
body.open aside{display:block}
body.open .wrap{padding-bottom:62vh}
.panel{border-radius:12px 12px 0 0;border-bottom:0}
.panel dl{grid-template-columns:minmax(0,1fr);gap:0}
.panel dt{font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin-top:.5rem}}
"""

_JS = """
(function(){
  var panel = document.getElementById('panel-body');
  var body = document.body;
  function show(el){
    var on = document.querySelectorAll('.s[aria-pressed="true"]');
    for (var i = 0; i < on.length; i++) on[i].setAttribute('aria-pressed', 'false');
    el.setAttribute('aria-pressed', 'true');
    var copy = document.getElementById('d' + el.getAttribute('data-i')).cloneNode(true);
    copy.removeAttribute('id');
    copy.hidden = false;
    panel.innerHTML = '';
    panel.appendChild(copy);
    body.classList.add('open');
    // On a phone the panel is a sheet over the lower page: keep the sentence above it.
    var r = el.getBoundingClientRect();
    if (window.matchMedia('(max-width: 899px)').matches && r.bottom > innerHeight * 0.4)
      window.scrollBy(0, r.top - 12);
  }
  document.addEventListener('click', function(e){
    var s = e.target.closest && e.target.closest('.s');
    if (s) { show(s); return; }
    if (e.target.closest && e.target.closest('.close')) body.classList.remove('open');
  });
  document.addEventListener('keydown', function(e){
    var s = e.target.closest && e.target.closest('.s');
    if (s && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); show(s); }
    if (e.key === 'Escape') body.classList.remove('open');
  });
})();
"""


def _e(text):
    import html  # imported here: a plain `generate` start does not need it

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
<style>{_CSS}</style>
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
<script>{_JS}</script>
</body>
</html>
"""


def render(record, fmt):
    """The record as ``text``, ``json`` or ``html``."""
    if fmt == "text":
        return render_text(record)
    if fmt == "json":
        import json

        return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_html(record)
    raise ValueError(f"unknown format {fmt!r}")
