#!/usr/bin/env bash
# Fashion-MNIST baselines: a supervised teacher, KD into a smaller student beside the same student
# trained alone, a BYOL run and a randomly initialised backbone, each probed the same way.
# Run from the repository root after `make build` and the stores of `make quickstart`.
set -euo pipefail
R=.build/release/retort
OUT=Experiments/2026-11-27-fmnist-baselines
RUNS=runs/fmnist-baselines
mkdir -p "$RUNS"
COMMON=(--set eval.knn_every=1 --set eval.linear_probe=true --set train.log_every=20)
# These runs used a random resized crop (scale 0.6-1) for the supervised and KD views, the recipe's
# view at the time; the recipe now uses pad_crop (see the README of this folder).
RRC=(--set 'data.views=[{crop: {size: 28, scale: [0.6, 1.0], ratio: [0.75, 1.3333]}, flip: 0.5}]')

# 1. Teacher: supervised ResNet-18 (CIFAR stem) at half width, 3 epochs.
$R train Recipes/supervised/resnet18-fmnist.yaml --run-dir "$RUNS/teacher" --set model.width=0.5 --set train.epochs=3 "${RRC[@]}" "${COMMON[@]}"

# 2. Student alone: quarter width, 1 epoch.
$R train Recipes/supervised/resnet18-fmnist.yaml --run-dir "$RUNS/student" --set model.width=0.25 --set train.epochs=1 "${RRC[@]}" "${COMMON[@]}"

# 3. KD into the same student from the teacher (T = 4, alpha = 0.5), same schedule.
$R train Recipes/kd/kd-resnet18-fmnist.yaml --run-dir "$RUNS/kd" --set model.width=0.25 --set train.epochs=1 \
  --set objective.kd.teacher="$RUNS/teacher/checkpoints/best.safetensors" --set objective.kd.teacher_model.width=0.5 "${RRC[@]}" "${COMMON[@]}"

# 4. BYOL, quarter width, 1 epoch (projector/predictor hidden 1024), online probe.
$R train Recipes/ssl/byol-resnet18-fmnist.yaml --run-dir "$RUNS/byol" --set model.width=0.25 --set train.epochs=1 \
  --set schedule.warmup_epochs=0.1 --set objective.byol.projector_hidden=1024 --set objective.byol.predictor_hidden=1024 \
  --set eval.online_probe=true "${COMMON[@]}"

# 4b. The same BYOL for 4 epochs (warmup 0.5 epoch).
$R train Recipes/ssl/byol-resnet18-fmnist.yaml --run-dir "$RUNS/byol4" --set model.width=0.25 --set train.epochs=4 \
  --set schedule.warmup_epochs=0.5 --set objective.byol.projector_hidden=1024 --set objective.byol.predictor_hidden=1024 \
  --set eval.online_probe=true "${COMMON[@]}"

# 5. The same architecture, randomly initialised (no training), probed the same way.
$R zoo init resnet18 --stem cifar --width 0.25 --in-channels 1 --out "$RUNS/random.safetensors"
$R probe "$RUNS/random.safetensors" --model resnet18 --stem cifar --width 0.25 --in-channels 1 --mean 0.2860 --std 0.3530 \
  --train data/fmnist-train.rstore --test data/fmnist-test.rstore --json "$OUT/random.probe.json"

# Curves.
$R plot "$RUNS/teacher" "$RUNS/student" "$RUNS/kd" --value loss --by-epoch --out "$OUT/loss-supervised-kd.svg"
$R plot "$RUNS/byol" "$RUNS/byol4" --value byol --by-epoch --out "$OUT/loss-byol.svg"
$R plot "$RUNS/byol" "$RUNS/byol4" --value probe_accuracy --by-epoch --out "$OUT/byol-online-probe.svg"
$R plot "$RUNS/student" "$RUNS/kd" --value accuracy --out "$OUT/train-accuracy.svg"
for r in teacher student kd byol byol4; do cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"; done
