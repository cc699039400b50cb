"""How often a dream tells an event twice: a reader's commonest "out of place" mark.

    python bench/event_repeats.py 0-199

Counts, for each family of words below, the sentences after the first that say it, per dream,
and how many of those are Markov sentences. The families are a measure only: no filter reads
them (the arc's once-only motifs in grammars/arc.json are what dreamgen itself uses).
"""

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FAMILIES = {
    "touch": r"\b(palm|palms)\b",
    "look up": r"\blooks? up\b|\bgaze\b|\b(lift|raise)s? (your|their) eyes\b|so do you|you turn too",
    "spark": r"\bspark\b",
    "wake": r"\b(wake|wakes|woke|awake|awaken)\b",
    "tremor": r"\b(shakes|trembles|shudders|shivers|shake|tremble)\b",
    "gather": r"\b(gather|gathers|gathered)\b|\btoward you\b|\bdraw near\b",
    "fade": r"\b(fades|fade|melts?|dissolves?)\b",
    "strike": r"\b(strikes|struck|lands|landed|hits|crashes|slams)\b",
}


def main(spec):
    from dreamgen import Dreamer

    first, last = map(int, spec.split("-"))
    dreamer = Dreamer.load(user_overlays=False)
    repeats, markov = Counter(), Counter()
    for seed in range(first, last + 1):
        sentences = [s for beat in dreamer.dream(seed).beats for s in beat.sentences]
        for name, pattern in FAMILIES.items():
            hits = [s for s in sentences if re.search(pattern, s.text, re.I)]
            repeats[name] += max(0, len(hits) - 1)
            markov[name] += sum(s.origin == "markov" for s in hits[1:])
    n = last - first + 1
    for name in FAMILIES:
        print(f"{name:8s} repeats a dream {repeats[name] / n:.2f}, Markov {markov[name] / n:.2f}")
    print(f"all      repeats a dream {sum(repeats.values()) / n:.2f}, "
          f"Markov {sum(markov.values()) / n:.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "0-199")
