"""A :func:`dreamgen.stats.report` as text, a Markdown table (the README's) or JSON."""

import math

from ..settings import DEFAULT_LENGTH

__all__ = ["STATS_FORMATS", "readable_count", "render", "render_markdown", "render_text"]

STATS_FORMATS = ("text", "json", "markdown")

# Counts from here up are written as a power of ten: no one reads 27 digits.
_BIG = 10**9


def readable_count(n):
    """A count for people: ``12,345``, ``more than 10^26``, or ``unbounded`` (None)."""
    if n is None or n == math.inf:
        return "unbounded"
    if n < _BIG:
        return f"{n:,}"
    return f"more than 10^{len(str(int(n))) - 1}"


def _rows(r):
    """The summary: ``(figure, value, target)`` rows, shared by the text and markdown forms."""
    attempts = r["markov_attempts_per_sentence"]
    n_unused = sum(len(v) for v in r["unused_entries"].values())
    return [
        ("dreams measured", f"{r['dreams']}", ""),
        ("length", r.get("length", DEFAULT_LENGTH), ""),
        ("characters a dream, median / most", f"{r.get('chars_median', 0):,} / "
                                              f"{r.get('chars_max', 0):,}", ""),
        ("sentences sharing 8+ words with the corpus", f"{r['copied']}", "0"),
        ("sentences repeated within a dream", f"{r['repeats_in_dream']}", "0"),
        ("distinct word pairs / all word pairs", f"{r['distinct_pair_ratio']:.3f}", ">= 0.25"),
        ("mean trigram Jaccard between two dreams", f"{r['mean_trigram_jaccard']:.4f}",
         "<= 0.05"),
        ("dreams the most shared sentence is in", f"{r['max_sentence_share']:.1%}", "<= 2%"),
        ("dreams the most shared Markov template is in",
         f"{r.get('max_template_share', 0.0):.1%}", ""),
        ("dreams the largest one-word family of templates is in",
         f"{r.get('max_family_share', 0.0):.1%}", ""),
        ("Markov attempts per accepted sentence",
         "n/a" if attempts is None else f"{attempts:.2f}", ""),
        ("words from grammar / Markov",
         f"{r['grammar_word_share']:.0%} / {r['markov_word_share']:.0%}", ""),
        ("Markov share of a dream's sentences, lowest", f"{r['markov_sentence_share_min']:.1%}",
         ">= 33.3%"),
        ("lexicon entries never used", f"{n_unused:,} of {r['lexicon_entries']:,}", ""),
    ]


def render_text(r, *, unused=False):
    """The text form of :func:`report`: the summary table, how much each beat can say, each
    overlay's own entries, and with ``unused`` every lexicon entry no dream drew."""
    rows = _rows(r)
    width = max(len(a) for a, _, _ in rows)
    vwidth = max(len(b) for _, b, _ in rows)
    lines = [f"{'figure':<{width}}  {'value':>{vwidth}}  target"]
    lines += [f"{a:<{width}}  {b:>{vwidth}}  {c}".rstrip() for a, b, c in rows]
    lines += ["", "Markov candidates refused, by filter (share of all candidates):"]
    lines += [f"  {name:<20} {share:.1%}" for name, share in r["filter_rejections"].items()]
    if r.get("pool_walks"):
        lines += ["", f"pools: {r['pool_sentences']:,} sentences kept of {r['pool_walks']:,} "
                      "walks; refused when built, by filter (share of all walks):"]
        lines += [f"  {name:<20} {share:.1%}" for name, share in r["pool_rejections"].items()]
    lines += ["", "distinct grammar outputs per beat (one cast):"]
    lines += [f"  {name:<11} {readable_count(n)}" for name, n in r["beat_reach"].items()]
    for o in r.get("overlays", ()):
        lines += ["", f"overlay {o['path']}: {o['symbols']} symbols, {o['entries']} entries, "
                      f"{o['entries_used']} of them used",
                  f"  --overlay-weight {o['overlay_weight']:g}: its entries are {o['draws']:,} "
                  f"of {o['draws_of_its_lists']:,} draws from the lists it adds to "
                  f"({o['draw_share']:.0%})"]
        lines += [f"  never used, {symbol}: " + "; ".join(entries)
                  for symbol, entries in o["unused_entries"].items()]
    own = r.get("user_corpus")
    if own:
        lines += ["", f"your corpus text: {len(own['files'])} file(s), {own['words']:,} words, "
                      f"--corpus-weight {own['weight']:g}",
                  f"  Markov sentences taking {own['run_words']}+ words in a row of yours: "
                  f"{own['markov_taking_yours']} of {own['markov_sentences']} "
                  f"({own['share']:.0%})"]
    if unused:
        lines += ["", "lexicon entries never used:"]
        lines += [f"  {symbol}: " + "; ".join(entries)
                  for symbol, entries in r["unused_entries"].items()]
    elif r["unused_entries"]:
        lines += ["", "(--unused lists the lexicon entries never used)"]
    return "\n".join(lines) + "\n"


def render_markdown(r):
    """The headline figures as a Markdown table, with the targets they answer to."""
    rows = _rows(r)
    lines = ["| figure | value | target |", "| --- | ---: | ---: |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


def render(r, fmt, *, unused=False):
    """The report in ``fmt``, one of :data:`STATS_FORMATS`; ``unused`` as for
    :func:`render_text`."""
    if fmt == "text":
        return render_text(r, unused=unused)
    if fmt == "markdown":
        return render_markdown(r)
    if fmt == "json":
        import json

        return json.dumps(r, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")
