#!/usr/bin/env bash
# Fuzz for a set time: the grammar loader (JSON and YAML), the corpus reader and the Tracery
# rule parser and expander (the targets in tests/test_fuzz.py), in rounds of hypothesis runs,
# each round with its own seed, until the time is up. Stops at the first failure, which
# pytest prints with the seed that reproduces it.
#
#   bench/fuzz.sh            # 10 minutes
#   bench/fuzz.sh 60         # an hour (FUZZ_MINUTES=60 does the same)
#
# CI runs the same targets briefly (150 examples each) as part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-${FUZZ_MINUTES:-10}}"
per_round="${FUZZ_ROUND_EXAMPLES:-2000}"  # examples per target per round
end=$((SECONDS + minutes * 60))
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
total=0
round=0
while [ "$SECONDS" -lt "$end" ]; do
    round=$((round + 1))
    seed="$(python -c 'import secrets; print(secrets.randbelow(2**32))')"
    if ! DREAMGEN_FUZZ_EXAMPLES="$per_round" python -m pytest tests/test_fuzz.py -q \
            -p no:cacheprovider --hypothesis-seed="$seed" --hypothesis-show-statistics \
            >"$log" 2>&1; then
        cat "$log"
        echo "fuzz: FAILED in round $round (--hypothesis-seed=$seed) after $total examples"
        exit 1
    fi
    # hypothesis's statistics: "- 2000 passing, 0 failing, and 3 invalid test cases"
    tried="$(awk '/passing, .* failing, and .* invalid/ {s += $2 + $4 + $7} END {print s + 0}' \
        "$log")"
    total=$((total + tried))
    echo "fuzz: round $round (seed $seed): $tried examples, $total in all, ${SECONDS}s"
done
echo "fuzz: $total examples in $round rounds over ${SECONDS}s, no failure"
