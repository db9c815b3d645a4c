#!/usr/bin/env bash
# Seeds every fuzz target's corpus with the real excerpts (one line a file,
# and whole files for whole_input / kube_json), so fuzzing starts from real shapes.
set -euo pipefail
cd "$(dirname "$0")"
for t in line_parser envelope klog containerd kernel_crio; do
  mkdir -p "corpus/$t"
  i=0
  while IFS= read -r line; do
    printf '%s' "$line" > "corpus/$t/real-$i"
    i=$((i + 1))
  done < <(cat ../fixtures/real/*.log ../fixtures/seed-article/*/containerd.log)
done
mkdir -p corpus/whole_input corpus/kube_json
cp ../fixtures/real/*.log corpus/whole_input/
find ../fixtures -name '*.json' -exec cp {} corpus/kube_json/ \; 2>/dev/null || true
printf '%s' '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","namespace":"b","uid":"u","deletionTimestamp":"2026-04-16T11:54:10Z","deletionGracePeriodSeconds":30}}' > corpus/kube_json/pod
