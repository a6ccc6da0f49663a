#!/usr/bin/env bash
# The SwAV speed bar: one SwAV training step (2 x 28 px + 4 x 16 px crops, ResNet-18 cifar stem at width 0.5,
# batch 256, head 2048 -> 128, 300 prototypes, Sinkhorn, backward, LARS) in Retort (`retort-bench ssl`) and in
# PyTorch (`Benchmarks/torch_swav.py`, the same step after main_swav.py), alternating: PyTorch, Retort, PyTorch,
# Retort, ... ROUNDS times, 2 threads each, best of 3 timed steps after a warm-up in every run. Each Retort run
# prints its ratio against the PyTorch run just before it. Also SeLa's labelling of 60,000 x 30 (the 2 s bar).
# Run from the repository root of a clean checkout of the commit in speed-commit.txt, on a machine nobody else
# is using; output in speed.txt.
set -euo pipefail
OUT=Experiments/2026-12-04-fmnist-ssl-methods
ROUNDS=${ROUNDS:-3}
make build >/dev/null
{
  echo "# $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
       "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, torch $(python3 -c 'import torch; print(torch.__version__)')"
  for r in $(seq 1 "$ROUNDS"); do
    echo "## round $r"
    python3 Benchmarks/torch_swav.py --threads 2 --iterations 3 --out .build/torch_swav.json
    .build/release/retort-bench ssl --threads 2 --iterations 3 $([ "$r" = 1 ] || echo --skip-sela) --torch-json .build/torch_swav.json
  done
} 2>&1 | tee "$OUT/speed.txt"
git rev-parse HEAD > "$OUT/speed-commit.txt"
