#!/usr/bin/env bash
# Copies every finished run and made cache of this experiment into this folder and writes results.md: what run.sh
# does at its end, for the runs that order.sh (in the distillation folder) made in several calls. Run from the
# repository root after `make build`.
set -euo pipefail
R=.build/release/retort
OUT=Experiments/2026-12-04-fmnist-logit-cache
RUNS=${RUNS:-$HOME/retort-runs/logit-cache}
DRUNS=${DRUNS:-$HOME/retort-runs/distillation}
for d in "$RUNS"/*/; do
  r=$(basename "$d")
  grep -q '"completed"' "$d/summary.json" 2>/dev/null || { echo "skipped (not finished): $r"; continue; }
  for f in summary.json resolved.yaml metrics.jsonl; do cp "$d/$f" "$OUT/$r.$f"; done
  cp "$RUNS/$r.commit.txt" "$OUT/$r.commit.txt"
done
for seed in 0 1 2; do   # the rows borrowed from the distillation experiment (same recipe and seed)
  for pair in alone:alone live:kd; do
    name=${pair%%:*}-s$seed; from=${pair##*:}-s$seed
    [ -f "$DRUNS/$from/summary.json" ] && [ -f "$RUNS/k10-s$seed/summary.json" ] || continue
    for f in summary.json resolved.yaml metrics.jsonl; do cp "$DRUNS/$from/$f" "$OUT/$name.$f"; done
    cp "$DRUNS/$from.commit.txt" "$OUT/$name.commit.txt"
  done
done
for f in "$RUNS"/cache-*.rstore; do
  [ -f "$f.time" ] || continue
  n=$(basename "$f" .rstore)
  cp "$f.time" "$OUT/$n.time.txt"
  echo "$(stat -c %s "$f") bytes" > "$OUT/$n.size.txt"
  $R store inspect "$f" > "$OUT/$n.inspect.txt"
done
python3 "$OUT/summarize.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
