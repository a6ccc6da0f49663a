#!/usr/bin/env bash
# The KD speed bar of the distillation issue (and the logit-cache issue's cache-vs-alone bar): a Hinton KD step
# with a live ResNet-18 teacher (full width, inference) and a ResNet-18 x0.25 student, batch 128, 1 x 28 x 28,
# Retort (`retort-bench kd`) against PyTorch CPU (`Benchmarks/torch_kd.py`), 3 alternating rounds, each the best of
# 3 timed steps after one warm-up; `retort-bench kd` also times the student alone, the teacher's forward and the KD
# step from a cache (top 10 of 10, F16, read and rebuilt every step). Run from the repository root after
# `make build`, on a quiet machine (the numbers in speed.txt were taken with the distillation experiment stopped:
# `pkill -STOP -f "release/retort train"`, then `-CONT`).
set -euo pipefail
for r in 1 2 3; do
  python3 Benchmarks/torch_kd.py --iterations 3 | grep "kd step"
  .build/release/retort-bench kd --iterations 3 | grep -E "OpenBLAS|kd step"
done
