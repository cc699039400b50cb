"""How much provenance costs: dreams per second with tracing off (the default) and on.

    python bench/trace_cost.py [--dreams 300] [--rounds 5]

Prints the best round of each, so other load on the machine inflates nothing.
"""

import argparse
import inspect
import time

from dreamgen import Dreamer


def rate(dreamer, dreams, rounds, **kw):
    best = 0.0
    for r in range(rounds):
        start = time.perf_counter()
        for seed in range(dreams):
            dreamer.dream(seed, **kw)
        best = max(best, dreams / (time.perf_counter() - start))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dreams", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    dreamer = Dreamer.load()
    dreamer.dream(0)
    print(f"trace off: {rate(dreamer, args.dreams, args.rounds):7.1f} dreams/s")
    if "trace" in inspect.signature(dreamer.dream).parameters:
        print(f"trace on:  {rate(dreamer, args.dreams, args.rounds, trace=True):7.1f} dreams/s")


if __name__ == "__main__":
    main()
