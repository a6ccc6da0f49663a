#!/usr/bin/env bash
# The CLIP speed bar: one CLIP training step (batch 256 of 1 x 28 x 28 images, ResNet-18 cifar stem at width 0.5 +
# projection to 128, the recipe's text tower on 12-word captions, symmetric InfoNCE over the 256 x 256 logits, AdamW,
# the log-scale clamp) in Retort (`retort-bench clip`, which also prints the text tower's step and the logits' size)
# and in PyTorch (`Benchmarks/torch_clip.py`, the same step after open_clip), alternating: PyTorch, Retort, PyTorch,
# Retort, ... ROUNDS times, 2 threads each, best of 3 timed steps after a warm-up in every run. Each Retort run
# prints its ratio against the PyTorch run just before it.
# Run from the repository root of a clean checkout of the commit in speed-commit.txt, on a machine nobody else
# is using; output in speed.txt.
set -euo pipefail
OUT=Experiments/2026-12-04-fmnist-clip
ROUNDS=${ROUNDS:-3}
make build >/dev/null
{
  echo "# $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
       "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, torch $(python3 -c 'import torch; print(torch.__version__)')"
  for r in $(seq 1 "$ROUNDS"); do
    echo "## round $r"
    python3 Benchmarks/torch_clip.py --threads 2 --iterations 3 --out .build/torch_clip.json
    .build/release/retort-bench clip --threads 2 --iterations 3 --torch-json .build/torch_clip.json
  done
} 2>&1 | tee "$OUT/speed.txt"
git rev-parse HEAD > "$OUT/speed-commit.txt"
