#!/usr/bin/env bash
# The PixPro speed bar: one PixPro training step of the recipe's model (ResNet-18 cifar stem, full width, last
# stride 1: 14 x 14 map, MLP2d 512 -> 4096 -> 256, featprop, momentum branch, regression loss, backward, LARS) in
# Retort (`retort-bench pixpro`) and in PyTorch (`Benchmarks/torch_pixpro.py`), alternating PyTorch, Retort, ...
# ROUNDS times, 2 threads each, best of ITERATIONS timed steps after a warm-up in every run; each Retort run prints
# its ratio against the PyTorch run just before it. Batch 16 (BATCH): a batch-128 step takes minutes on 2 cores.
# Run from the repository root of a clean checkout of the commit in speed-commit.txt, on a machine nobody else
# is using; output in speed.txt.
set -euo pipefail
OUT=Experiments/2026-12-04-fmnist-pixpro
ROUNDS=${ROUNDS:-3} BATCH=${BATCH:-16} ITERATIONS=${ITERATIONS:-2}
make build >/dev/null
{
  echo "# $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
       "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, torch $(python3 -c 'import torch; print(torch.__version__)')"
  for r in $(seq 1 "$ROUNDS"); do
    echo "## round $r"
    python3 Benchmarks/torch_pixpro.py --map 14 --batch "$BATCH" --threads 2 --iterations "$ITERATIONS" --out .build/torch_pixpro_speed.json
    .build/release/retort-bench pixpro --map 14 --batch "$BATCH" --threads 2 --iterations "$ITERATIONS" --torch-json .build/torch_pixpro_speed.json
  done
} 2>&1 | tee "$OUT/speed.txt"
git rev-parse HEAD > "$OUT/speed-commit.txt"
