#!/usr/bin/env bash
# The PixPro memory bar: peak resident memory of one PixPro training step of the recipe's model (ResNet-18 cifar
# stem, full width, MLP2d 512 -> 4096 -> 256, one value-transform layer), batch 128, two 56 px views, at a 7 x 7
# and a 14 x 14 C5 map, in Retort (`retort-bench pixpro --iterations 0`: one step per process, so the process's peak
# is the step's) and in PyTorch (`Benchmarks/torch_pixpro.py`, the same step after PixPro.py; its peak includes the
# torch import); then Retort at 14 x 14 with activation checkpointing per residual block (`--recompute`,
# `model.recompute_activations: true`). Run from the repository root of a clean checkout of the commit in
# memory-commit.txt; output in memory.txt. About 25 minutes of CPU on 2 cores. RECOMPUTE_ONLY=1 runs (and appends)
# only the last measurement.
set -euo pipefail
OUT=Experiments/2026-12-04-fmnist-pixpro
make build >/dev/null
if [ "${RECOMPUTE_ONLY:-0}" != 1 ]; then
  {
    echo "# $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
         "torch $(python3 -c 'import torch; print(torch.__version__)')"
    for map in 7 14; do
      .build/release/retort-bench pixpro --map "$map" --batch 128 --iterations 0 --torch-json /nonexistent
      python3 Benchmarks/torch_pixpro.py --map "$map" --batch 128 --iterations 0 --out ".build/torch_pixpro_mem_$map.json"
    done
  } 2>&1 | tee "$OUT/memory.txt"
  git rev-parse HEAD > "$OUT/memory-commit.txt"
fi
{
  echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD): activation checkpointing per residual block"
  .build/release/retort-bench pixpro --map 14 --batch 128 --iterations 0 --recompute --torch-json /nonexistent
} 2>&1 | tee -a "$OUT/memory.txt"
git rev-parse HEAD > "$OUT/memory-recompute-commit.txt"
