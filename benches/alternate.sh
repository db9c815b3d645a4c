#!/usr/bin/env bash
# Compares builds of podmortem on one input by alternating their runs, so
# that a shared machine's drift in speed (up to 30% between runs minutes
# apart here) falls on every build alike; prints each build's median wall
# time and median user+sys CPU time.
#
#   benches/alternate.sh 10 /tmp/podmortem-compare/archive old/podmortem target/release/podmortem
#
# Arguments: rounds, the input given to `audit`, then two or more binaries.
# Needs GNU time (/usr/bin/time).
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 ROUNDS INPUT BINARY BINARY..." >&2
    exit 2
fi
rounds=$1 input=$2
shift 2
declare -A wall cpu
for _ in $(seq "$rounds"); do
    for bin in "$@"; do
        read -r w u s < <(/usr/bin/time -f '%e %U %S' "$bin" audit "$input" 2>&1 >/dev/null | tail -1)
        wall[$bin]+="$w "
        cpu[$bin]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
    done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for bin in "$@"; do
    echo "$bin: median wall $(median <<< "${wall[$bin]}") s, median CPU $(median <<< "${cpu[$bin]}") s"
done
