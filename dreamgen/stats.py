"""Figures a grammar author needs: novelty, diversity, Markov effort and grammar reach."""

import math
import os
import re
from collections import Counter
from itertools import combinations

from .grammar import TAG, Action, Tag, is_lexicon, reachable
from .settings import DEFAULT_LENGTH, DEFAULT_OVERLAY_WEIGHT, DEFAULT_OWN_RUN
from .text import normalise, one_word_blanks, split_sentences

# A run of words stops at the end of a sentence or clause, and at a tag (made one such end).
_BREAK = re.compile(r"[.!?;:](?:\s|$)")

__all__ = ["beat_reach", "diversity", "markov_share", "novelty", "overlay_entries", "report",
           "user_corpus"]


def _words(text):
    return text.split()


def diversity(dreams, *, skip_beats=("invocation",)):
    """Distinct word pairs, mean trigram Jaccard between dreams, and the most shared sentence.

    The ``skip_beats`` are fixed formulas (the invocation) left out of the sentence count.
    """
    pairs_total, pairs = 0, set()
    trigram_sets = []
    sentence_dreams = Counter()
    for d in dreams:
        words = _words(d.text)
        bigrams = list(zip(words, words[1:]))
        pairs_total += len(bigrams)
        pairs.update(bigrams)
        trigram_sets.append(frozenset(zip(words, words[1:], words[2:])))
        # Ordered (not a set), so a tie for the most shared sentence goes the same way on
        # every run whatever the string hash seed.
        sentence_dreams.update(dict.fromkeys([s for b in d.beats if b.name not in skip_beats
                                              for s in split_sentences(b.text)], 1))
    jaccards = [len(a & b) / len(a | b) for a, b in combinations(trigram_sets, 2) if a or b]
    top, top_n = (sentence_dreams.most_common(1) or [("", 0)])[0]
    return {
        "dreams": len(dreams),
        "distinct_pair_ratio": len(pairs) / pairs_total if pairs_total else 0.0,
        "mean_trigram_jaccard": sum(jaccards) / len(jaccards) if jaccards else 0.0,
        "max_sentence_share": top_n / len(dreams) if dreams else 0.0,
        "most_shared_sentence": top,
    }


def template_share(dreams):
    """The share of dreams the most shared Markov template is in: its words as the chain gave
    them, whatever cast fills them in (needs dreams made with a trace)."""
    said = Counter()
    for d in dreams:
        said.update(dict.fromkeys([" ".join(s.trace.template) for b in d.beats
                                   for s in b.sentences
                                   if s.origin == "markov" and s.trace is not None], 1))
    top, top_n = (said.most_common(1) or [("", 0)])[0]
    # A family: the templates that differ in one word ("It bobs there in the wind, ready to
    # be kindled again" and "It glows there ..."), which a reader hears as one stock line.
    family = Counter()
    for d in dreams:
        keys = set()
        for b in d.beats:
            for s in b.sentences:
                if s.origin == "markov" and s.trace is not None:
                    forms = [normalise(w) for w in s.trace.template]
                    keys |= one_word_blanks(forms)
        family.update(keys)
    top_family = max(family.values(), default=0)
    return {"max_template_share": top_n / len(dreams) if dreams else 0.0,
            "most_shared_template": top,
            "max_family_share": top_family / len(dreams) if dreams else 0.0}


def pool_figures(models):
    """What the build's walks made of each beat's pool: walks, sentences kept, and each pool
    filter's share of the walks it refused ("walk": none found, "again": said already)."""
    counts = dict(models.pool_counts)
    walks = counts.pop("walks", 0)
    kept = counts.pop("kept", 0)
    return {"pool_walks": walks, "pool_sentences": kept,
            "pool_rejections": {name: n / walks for name, n in
                                sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
            if walks else {}}


def novelty(dreams, models):
    """Sentences (and within-dream repeats) that share a run of words with the corpus.

    The test is the models' own (:class:`~dreamgen.markov.novelty.Novelty`), the one that
    composing a dream applies.
    """
    copied, repeats, total = [], 0, 0
    for d in dreams:
        seen = set()
        for b in d.beats:
            for s in b.sentences:
                total += 1
                if s.text in seen:
                    repeats += 1
                seen.add(s.text)
                if not models.novelty.is_novel(s.text.split()):
                    copied.append((d.seed, s.origin, s.text))
    return {"sentences": total, "copied": len(copied), "copied_examples": copied[:5],
            "repeats_in_dream": repeats}


def _runs(text, k):
    """The runs of ``k`` words (normal forms) in ``text`` that hold no tag."""
    from .markov import normalise

    runs = set()
    for piece in _BREAK.split(TAG.sub(". ", text)):
        words = [normalise(w) for w in piece.split()]
        runs.update(zip(*(words[i:] for i in range(k))))
    return runs


def user_corpus(dreams, corpus, weight, k=DEFAULT_OWN_RUN):
    """How much of the Markov text comes from the user's own corpus files: the Markov
    sentences that say ``k`` words in a row from them which no built-in file says."""
    own, builtin = set(), set()
    for doc in corpus.documents:
        for para in doc.paragraphs:
            (own if doc.user else builtin).update(_runs(para.text, k))
    own -= builtin
    markov = taken = 0
    for d in dreams:
        for b in d.beats:
            for s in b.sentences:
                if s.origin == "markov":
                    markov += 1
                    taken += bool(_runs(s.text, k) & own)
    files = [doc.path for doc in corpus.documents if doc.user]
    return {"files": files,
            "words": sum(len(p.text.split()) for doc in corpus.documents if doc.user
                         for p in doc.paragraphs),
            "weight": weight, "run_words": k, "markov_sentences": markov,
            "markov_taking_yours": taken, "share": taken / markov if markov else 0.0}


def markov_share(dreams):
    """The share of each dream's sentences the Markov model wrote: the lowest and the mean."""
    shares = []
    for d in dreams:
        origins = [s.origin for b in d.beats for s in b.sentences]
        shares.append(origins.count("markov") / len(origins) if origins else 0.0)
    return {"markov_sentence_share_min": min(shares, default=0.0),
            "markov_sentence_share_mean": sum(shares) / len(shares) if shares else 0.0}


def beat_reach(grammar, arc, length=DEFAULT_LENGTH):
    """Per beat, how many distinct expansions its entry symbol has (``math.inf`` if unbounded).

    Counts derivations with the cast fixed, so it is what the grammar can say about one cast;
    ``length`` picks the beats and entries of that length.
    """
    memo = {}

    def count(symbol, stack):
        if symbol in memo:
            return memo[symbol]
        if symbol in stack or symbol not in grammar.compiled:
            return 1 if symbol not in grammar.compiled else math.inf
        stack = stack | {symbol}
        total = 0
        for rule in grammar.compiled[symbol]:
            total += rule_count(rule, stack)
        memo[symbol] = total
        return total

    def rule_count(rule, stack):
        n = 1
        for item in rule:
            if isinstance(item, Tag):
                for a in item.preactions:
                    n *= action_count(a, stack)
                n *= count(item.symbol, stack)
            elif isinstance(item, Action):
                n *= action_count(item, stack)
        return n

    def action_count(action, stack):
        if action.kind == "pop":
            return 1
        n = 1
        for r in action.rules:
            n *= rule_count(r, stack)
        return n

    return {b.name: count(b.entry, frozenset()) for b in arc.at_length(length)[0]}


def overlay_entries(grammar, used, weight=DEFAULT_OVERLAY_WEIGHT):
    """Per overlay (every layer but the built-in files): the entries it wrote, those of them
    that no measured dream drew, and its share of the draws from the lists it adds to.
    ``used`` counts ``(symbol, rule index)`` draws."""
    from .resources import builtin_path

    builtin = os.path.realpath(builtin_path("grammars"))
    overlays = {layer.path for layer in grammar.layers
                if os.path.dirname(os.path.realpath(layer.path)) != builtin}
    sources = grammar.layering.sources
    found = {}
    for symbol, spans in sources.items():
        for i, (layer, key, j) in enumerate(spans):
            if layer.path not in overlays:
                continue
            mine = found.setdefault(layer.path, {"symbols": set(), "entries": 0, "used": 0,
                                                 "unused": {}})
            mine["symbols"].add(symbol)
            mine["entries"] += 1
            mine["draws"] = mine.get("draws", 0) + used[(symbol, i)]
            if used[(symbol, i)]:
                mine["used"] += 1
            else:
                mine["unused"].setdefault(symbol, []).append(layer.rules[key][j])
    draws = Counter()
    for (symbol, _), n in used.items():
        draws[symbol] += n
    out = []
    for path, v in found.items():
        of = sum(draws[s] for s in v["symbols"])
        out.append({"path": path, "symbols": len(v["symbols"]), "entries": v["entries"],
                    "entries_used": v["used"], "unused_entries": v["unused"],
                    "overlay_weight": weight, "draws": v["draws"], "draws_of_its_lists": of,
                    "draw_share": v["draws"] / of if of else 0.0})
    return out


def report(dreamer, *, start=0, count=200, length=DEFAULT_LENGTH):
    """Every figure of ``dreamgen stats`` for dreams ``start`` to ``start + count - 1``."""
    dreamer.markov_attempts = dreamer.markov_accepted = 0
    dreamer.rejections.clear()
    used = Counter()
    dreams = []
    for seed in range(start, start + count):
        trace = []
        dreams.append(dreamer.dream(seed, trace=trace, length=length))
        used.update((step[0], step[1]) for step in trace)
    words = Counter()
    for d in dreams:
        for b in d.beats:
            for s in b.sentences:
                words[s.origin] += len(s.text.split())
    all_words = sum(words.values()) or 1
    roots = (dreamer.arc.cast, *(b.entry for b in dreamer.arc.at_length(length)[0]))
    lexicons = {s: dreamer.grammar.compiled[s]
                for s in sorted(reachable(dreamer.grammar.compiled, roots))
                if is_lexicon(dreamer.grammar.rules[s])}
    unused = {s: [dreamer.grammar.rules[s][i] for i in range(len(rules)) if (s, i) not in used]
              for s, rules in lexicons.items()}
    reach = beat_reach(dreamer.grammar, dreamer.arc, length)
    chars = sorted(len(d.text) for d in dreams)
    return {
        "length": length,
        "chars_median": chars[len(chars) // 2] if chars else 0,
        "chars_max": chars[-1] if chars else 0,
        **diversity(dreams),
        **novelty(dreams, dreamer.models),
        **markov_share(dreams),
        **template_share(dreams),
        **pool_figures(dreamer.models),
        "markov_attempts_per_sentence": (dreamer.markov_attempts / dreamer.markov_accepted
                                         if dreamer.markov_accepted else None),
        # Each filter's share of all candidates refused ("walk": no sentence found).
        "filter_rejections": {name: n / dreamer.markov_attempts
                              for name, n in dreamer.rejections.most_common()}
        if dreamer.markov_attempts else {},
        "grammar_word_share": words["grammar"] / all_words,
        "markov_word_share": words["markov"] / all_words,
        "beat_reach": {k: (None if v == math.inf else v) for k, v in reach.items()},
        "unused_entries": {s: v for s, v in unused.items() if v},
        "lexicon_entries": sum(len(r) for r in lexicons.values()),
        "overlays": overlay_entries(dreamer.grammar, used, dreamer.settings.overlay_weight),
        "user_corpus": (user_corpus(dreams, dreamer.corpus, dreamer.settings.corpus_weight)
                        if any(doc.user for doc in dreamer.corpus.documents) else None),
    }
