"""The naive pipeline the benchmarks measure dreamgen against.

What anyone would write first with the plain libraries: fifteen beats, each one pytracery
template flattened and two sentences from a compiled markovify model (its own overlap test and
retries), the model built over one text. Nothing is pre-parsed or cached; pytracery parses every
rule on every expansion. Randomness comes from the global ``random``, seeded per dream.
"""

import json
import random
import sys
from pathlib import Path

import markovify
import tracery
from tracery.modifiers import base_english

ROOT = Path(__file__).resolve().parent.parent
SENTENCES_PER_BEAT = 2


def source_dream_text():
    """The source dream (docs/source-dream.txt): the model text of the issue's reference."""
    return (ROOT / "docs" / "source-dream.txt").read_text(encoding="utf-8")


def corpus_text():
    """dreamgen's own corpus as plain paragraphs (headers and ``:: beat`` lines left out)."""
    sys.path.insert(0, str(ROOT))
    from dreamgen.corpus import read_corpus

    corpus = read_corpus([ROOT / "corpus"])
    return "\n".join(p.text for p in corpus.paragraphs())


def grammar_rules():
    """dreamgen's built-in grammar files merged into one pytracery rule dict."""
    rules = {}
    for path in sorted((ROOT / "grammars").glob("*.json")):
        if path.name != "arc.json":
            rules.update({k: v for k, v in json.loads(path.read_text("utf-8")).items()
                          if not k.startswith("$")})
    return rules


def beat_entries():
    arc = json.loads((ROOT / "grammars" / "arc.json").read_text("utf-8"))
    return arc.get("cast", "cast"), [b.get("entry") or b["name"] for b in arc["beats"]]


class NaiveDreamer:
    """A markovify model and a pytracery grammar, used the plain way."""

    def __init__(self, text, rules=None, beats=None):
        self.model = markovify.Text(text).compile()
        self.rules = grammar_rules() if rules is None else rules
        self.cast, self.beats = beat_entries() if beats is None else beats

    def dream(self, seed):
        random.seed(seed)
        grammar = tracery.Grammar(self.rules)
        grammar.add_modifiers(base_english)
        grammar.flatten(f"#{self.cast}#")  # pushes the cast, which the beats then use
        paragraphs = []
        for entry in self.beats:
            parts = [grammar.flatten(f"#{entry}#")]
            for _ in range(SENTENCES_PER_BEAT):
                sentence = self.model.make_sentence()
                if sentence is not None:
                    parts.append(sentence)
            paragraphs.append(" ".join(parts))
        return "\n\n".join(paragraphs)


if __name__ == "__main__":
    import time

    for label, text in (("source dream", source_dream_text()), ("corpus", corpus_text())):
        d = NaiveDreamer(text)
        t = time.perf_counter()
        n = 300
        for s in range(n):
            d.dream(s)
        print(f"{label}: {n / (time.perf_counter() - t):.0f} dreams/s")
    print(NaiveDreamer(corpus_text()).dream(1)[:600])
