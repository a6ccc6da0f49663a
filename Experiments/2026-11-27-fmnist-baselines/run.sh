#!/usr/bin/env bash
# Fashion-MNIST baselines: a supervised teacher, KD into a smaller student beside the same student
# trained alone, and a randomly initialised student backbone, each probed the same way.
# The exact script behind the committed numbers: run it from the repository root of a clean
# checkout of the commit in commit.txt (it builds, makes the stores, trains and probes).
# RUNS (default ~/retort-runs/fmnist-baselines) holds the run folders outside the work tree.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-11-27-fmnist-baselines
RUNS=${RUNS:-$HOME/retort-runs/fmnist-baselines}
mkdir -p data "$RUNS"
[ -f data/fmnist-train.rstore ] || $R store build fashion-mnist --split train --out data/fmnist-train.rstore
[ -f data/fmnist-test.rstore ] || $R store build fashion-mnist --split test --out data/fmnist-test.rstore
# Every in-training evaluation (kNN each epoch, the choice of best.safetensors) uses the recipes'
# validation part of train (data.val_fraction 0.1); the test split is scored once, at the end.
COMMON=(--set eval.knn_every=1 --set eval.linear_probe=true --set train.log_every=20)

# Budget (CPU, 2-core AVX2 machine): the teacher is quarter width for 2 epochs, the student eighth width
# for 1 epoch; BYOL is no longer run here (it is compared with the other SSL methods at one budget in
# the SSL-methods experiment).
# 1. Teacher: supervised ResNet-18 (CIFAR stem) at quarter width, 2 epochs.
$R train Recipes/supervised/resnet18-fmnist.yaml --run-dir "$RUNS/teacher" --set model.width=0.25 --set train.epochs=2 "${COMMON[@]}"

# 2. Student alone: eighth width, 1 epoch.
$R train Recipes/supervised/resnet18-fmnist.yaml --run-dir "$RUNS/student" --set model.width=0.125 --set train.epochs=1 "${COMMON[@]}"

# 3. KD into the same student from the teacher's selected checkpoint (T = 4, alpha = 0.5), same schedule.
$R train Recipes/kd/kd-resnet18-fmnist.yaml --run-dir "$RUNS/kd" --set model.width=0.125 --set train.epochs=1 \
  --set objective.kd.teacher="$RUNS/teacher/checkpoints/best.safetensors" --set objective.kd.teacher_model.width=0.25 "${COMMON[@]}"

# 4. The student's architecture, randomly initialised (no training), probed the same way.
$R zoo init resnet18 --stem cifar --width 0.125 --in-channels 1 --out "$RUNS/random.safetensors"
$R probe "$RUNS/random.safetensors" --model resnet18 --stem cifar --width 0.125 --in-channels 1 --mean 0.2860 --std 0.3530 \
  --train data/fmnist-train.rstore --test data/fmnist-test.rstore --json "$OUT/random.probe.json"

# Curves, resolved recipes and summaries.
$R plot "$RUNS/teacher" "$RUNS/student" "$RUNS/kd" --value loss --by-epoch --out "$OUT/loss-supervised-kd.svg"
$R plot "$RUNS/student" "$RUNS/kd" --value accuracy --out "$OUT/train-accuracy.svg"
for r in teacher student kd; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"
  cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
done
git rev-parse HEAD > "$OUT/commit.txt"
