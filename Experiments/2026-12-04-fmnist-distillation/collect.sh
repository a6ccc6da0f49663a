#!/usr/bin/env bash
# Copies every finished run of this experiment (a summary.json with "completed") from RUNS into this folder with
# its resolved recipe, metrics and commit, draws the curves and writes results.md: what run.sh does at its end,
# for runs that several checkouts (order.sh) made. Run from the repository root after `make build`.
set -euo pipefail
R=.build/release/retort
OUT=Experiments/2026-12-04-fmnist-distillation
RUNS=${RUNS:-$HOME/retort-runs/distillation}
for d in "$RUNS"/*/; do
  r=$(basename "$d")
  grep -q '"completed"' "$d/summary.json" 2>/dev/null || { echo "skipped (not finished): $r"; continue; }
  for f in summary.json resolved.yaml metrics.jsonl; do cp "$d/$f" "$OUT/$r.$f"; done
  cp "$RUNS/$r.commit.txt" "$OUT/$r.commit.txt"
done
runs() { for r in "$@"; do [ -f "$RUNS/$r/summary.json" ] && echo "$RUNS/$r"; done; }
$R plot $(runs alone-s0 kd-s0 dkd-s0 dkd-b2-s0 kd-dot-s0 kd-dot0-s0 ssld-s0) --value loss --out "$OUT/loss-s0.svg"
$R plot $(runs kd-s0 dkd-s0 dkd-b2-s0 kd-dot-s0 kd-dot0-s0 meal-v2-s0 meal-v2-single-s0 ssld-s0) --value agreement --out "$OUT/agreement-s0.svg"
$R plot $(runs fm-fixed-e60 fm-independent-e60 fm-consistent-e60 fm-function_matching-e60) --value loss --out "$OUT/fm-loss-e60.svg"
python3 "$OUT/summarize.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
