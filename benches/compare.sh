#!/usr/bin/env bash
# Side-by-side figures for the README: `podmortem audit` against `rg` counting
# literal markers over the same files (seven of the Pod-stop words, and the 59
# literals audit's own prefilter looks for), and against `zcat` over the
# same .tar.gz, on a generated kind archive; then peak RSS at that size and at
# about 1 GB. `examples/front_end` (walk, read, split lines, prefilter, envelope,
# no parsing) runs beside them: the floor any line-by-line analysis stands on;
# `front_end --parse` adds the parsers (facts named, none kept), so the three
# times split `audit`'s into reading, parsing, and keeping and correlating facts.
# Each ratio to rg and zcat is then measured again with the two commands
# alternated run by run (ROUNDS pairs, 31 by default).
#
#   benches/compare.sh                 # 6,000 Pods, 10 nodes (264 MB) and 27,500 Pods, 40 nodes (1 GB)
#   PODS=1200 NODES=2 BIG_PODS=0 benches/compare.sh   # quick look, no 1 GB run
#
# Needs rg, hyperfine and GNU time (/usr/bin/time) on the PATH; writes under $WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${PODS:-6000} NODES=${NODES:-10} BIG_PODS=${BIG_PODS:-27500} BIG_NODES=${BIG_NODES:-40}
WORK=${WORK:-/tmp/podmortem-compare}
for tool in rg hyperfine /usr/bin/time zcat; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is needed" >&2; exit 2; }
done
cargo build --release --quiet --bin podmortem --example gen_archive --example front_end --example prefilter_markers
PM=$PWD/target/release/podmortem
GEN=$PWD/target/release/examples/gen_archive
FRONT=$PWD/target/release/examples/front_end
mkdir -p "$WORK"
rm -rf "$WORK/archive" "$WORK/archive.tar.gz" "$WORK/big"
"$GEN" --out "$WORK/archive" --pods "$PODS" --nodes "$NODES" --seed 7
tar -C "$WORK" -czf "$WORK/archive.tar.gz" archive
echo "archive: $(du -s --apparent-size --block-size=1M "$WORK/archive" | cut -f1) MB in $(find "$WORK/archive" -type f | wc -l) files; tar.gz: $(du --block-size=1M "$WORK/archive.tar.gz" | cut -f1) MB"

./target/release/examples/prefilter_markers > "$WORK/markers.txt"
MARKERS=(-e StopContainer -e 'Kill container' -e TearDown -e UnmountVolume -e 'Killing container' -e 'SyncLoop DELETE' -e TaskExit)
hyperfine --warmup 2 --runs 10 --style basic \
    -n "rg -c -F (7 markers), directory" "rg -c -F ${MARKERS[*]@Q} $WORK/archive" \
    -n "rg -c -F (the prefilter's $(wc -l < "$WORK/markers.txt") markers), directory" "rg -c -F -f $WORK/markers.txt $WORK/archive" \
    -n "front end only (examples/front_end), directory" "$FRONT $WORK/archive" \
    -n "front end and parsers (examples/front_end --parse), directory" "$FRONT --parse $WORK/archive" \
    -n "podmortem audit, directory" "$PM audit $WORK/archive" \
    -n "zcat, tar.gz" "zcat $WORK/archive.tar.gz" \
    -n "podmortem audit, tar.gz" "$PM audit $WORK/archive.tar.gz"

# The machine's speed drifts between hyperfine's blocks of runs (by up to a
# third, minutes apart, on a shared VM), and a ratio of two blocks takes the
# drift in. So the ratios are also measured with the two commands
# alternated run by run: the median of the per-pair ratios.
ROUNDS=${ROUNDS:-31}
alternated() { # NAME, then the two commands as strings (reference first)
    local name=$1 ref=$2 cmd=$3 i t0 a b
    local -a ratios=() as=() bs=()
    for i in $(seq "$ROUNDS"); do
        t0=$(date +%s%N); bash -c "$ref" >/dev/null 2>&1; a=$(( $(date +%s%N) - t0 ))
        t0=$(date +%s%N); bash -c "$cmd" >/dev/null 2>&1; b=$(( $(date +%s%N) - t0 ))
        as+=("$a") bs+=("$b") ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')")
    done
    median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    echo "$name: median ratio $(median "${ratios[@]}") over $ROUNDS alternated pairs" \
        "(medians $(( $(median "${as[@]}") / 1000000 )) ms and $(( $(median "${bs[@]}") / 1000000 )) ms)"
}
alternated "audit / rg -c -F (the prefilter's markers), directory" "rg -c -F -f $WORK/markers.txt $WORK/archive" "$PM audit $WORK/archive"
alternated "audit / rg -c -F (7 markers), directory" "rg -c -F ${MARKERS[*]@Q} $WORK/archive" "$PM audit $WORK/archive"
alternated "audit / zcat, tar.gz" "zcat $WORK/archive.tar.gz" "$PM audit $WORK/archive.tar.gz"

rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS, audit -o table, directory: $(rss "$PM" audit "$WORK/archive") KB"
echo "peak RSS, audit -o table, tar.gz:    $(rss "$PM" audit "$WORK/archive.tar.gz") KB"
if [ "$BIG_PODS" -gt 0 ]; then
    "$GEN" --out "$WORK/big" --pods "$BIG_PODS" --nodes "$BIG_NODES" --seed 8
    echo "big archive: $(du -s --apparent-size --block-size=1M "$WORK/big" | cut -f1) MB"
    echo "peak RSS, audit -o table, 1 GB directory: $(rss "$PM" audit "$WORK/big") KB"
fi
