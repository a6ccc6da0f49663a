#!/usr/bin/env bash
# Do SimCLR and SimSiam, added as registry rows, learn features on Fashion-MNIST that beat a randomly
# initialised backbone by at least 5 points of linear-probe top-1, at a budget of 2 epochs?
# The exact script behind the committed numbers: run it from the repository root of a clean checkout
# of the commit in commit.txt (it builds, makes the stores, trains, probes and copies the results here).
# RUNS (default ~/retort-runs/simclr-simsiam) holds the run folders outside the work tree.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-12-03-simclr-simsiam-fmnist
RUNS=${RUNS:-$HOME/retort-runs/simclr-simsiam}
mkdir -p data "$RUNS"
[ -f data/fmnist-train.rstore ] || $R store build fashion-mnist --split train --out data/fmnist-train.rstore
[ -f data/fmnist-test.rstore ] || $R store build fashion-mnist --split test --out data/fmnist-test.rstore
# Budget cuts (CPU): quarter-width ResNet-18, heads narrowed to 512, 2 epochs, batch 128 (more updates per
# sample), warmup 0.1 epoch; learning rates scaled linearly from the recipes' batch 256. kNN each epoch and
# the choice of `best` use the recipes' validation part of train (10%); the test split is scored once at the end.
COMMON=(--set model.width=0.25 --set train.epochs=2 --set data.batch_size=128 --set schedule.warmup_epochs=0.1
        --set eval.knn_every=1 --set eval.linear_probe=true --set train.log_every=20)

$R train Recipes/ssl/simclr-resnet18-fmnist.yaml --run-dir "$RUNS/simclr" "${COMMON[@]}" \
  --set objective.simclr.projector_hidden=512 --set objective.simclr.projector_out=128 --set optimizer.lr=0.2

$R train Recipes/ssl/simsiam-resnet18-fmnist.yaml --run-dir "$RUNS/simsiam" "${COMMON[@]}" \
  --set objective.simsiam.projector_hidden=512 --set objective.simsiam.projector_out=512 \
  --set objective.simsiam.predictor_hidden=128 --set optimizer.lr=0.025

# The same architecture, randomly initialised (no training), probed the same way.
$R zoo init resnet18 --stem cifar --width 0.25 --in-channels 1 --out "$RUNS/random.safetensors"
$R probe "$RUNS/random.safetensors" --model resnet18 --stem cifar --width 0.25 --in-channels 1 --mean 0.2860 --std 0.3530 \
  --train data/fmnist-train.rstore --test data/fmnist-test.rstore --json "$OUT/random.probe.json"

$R plot "$RUNS/simclr" --value simclr --by-epoch --out "$OUT/loss-simclr.svg"
$R plot "$RUNS/simsiam" --value simsiam --by-epoch --out "$OUT/loss-simsiam.svg"
$R plot "$RUNS/simclr" "$RUNS/simsiam" --value probe_accuracy --by-epoch --out "$OUT/online-probe.svg"
for r in simclr simsiam; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"
  cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
done
git rev-parse HEAD > "$OUT/commit.txt"
