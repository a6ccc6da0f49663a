#!/usr/bin/env bash
# Does SimSiam beat a randomly initialised backbone by 5 points of linear-probe top-1 on Fashion-MNIST at
# 2 epochs with the reference CIFAR hyper-parameters (solo-learn: SGD lr 0.5 x batch/256, weight decay 1e-5,
# predictor at a static lr), where the paper's ImageNet values (lr 0.05 x batch/256, wd 5e-4) gave -0.5?
# And BYOL at the same budget, so that the SSL-methods comparison can reuse it.
# The budget matches Experiments/2026-12-03-simclr-simsiam-fmnist (width 0.25, heads narrowed to 512,
# 2 epochs, batch 128, warmup 0.1 epoch), whose SimCLR and random-init numbers are the comparison.
# The exact script behind the committed numbers: run it from the repository root of a clean checkout of
# the commit in commit.txt (it builds, makes the stores, trains, probes and copies the results here).
# RUNS (default ~/retort-runs/simsiam-byol) holds the run folders outside the work tree.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-12-04-simsiam-byol-fmnist
RUNS=${RUNS:-$HOME/retort-runs/simsiam-byol}
mkdir -p data "$RUNS"
[ -f data/fmnist-train.rstore ] || $R store build fashion-mnist --split train --out data/fmnist-train.rstore
[ -f data/fmnist-test.rstore ] || $R store build fashion-mnist --split test --out data/fmnist-test.rstore
# kNN each epoch and the choice of `best` use the recipes' validation part of train (10%); the test split
# is scored once at the end.
COMMON=(--set model.width=0.25 --set train.epochs=2 --set data.batch_size=128 --set schedule.warmup_epochs=0.1
        --set eval.knn_every=1 --set eval.linear_probe=true --set train.log_every=20)

# SimSiam, solo-learn CIFAR values: lr 0.5 x 128/256 = 0.25 (the predictor group keeps it, static), wd 1e-5.
$R train Recipes/ssl/simsiam-resnet18-fmnist.yaml --run-dir "$RUNS/simsiam" "${COMMON[@]}" \
  --set objective.simsiam.projector_hidden=512 --set objective.simsiam.projector_out=512 \
  --set objective.simsiam.predictor_hidden=128 --set optimizer.lr=0.25 --set optimizer.weight_decay=1.0e-5

# BYOL, the recipe's values with the lr scaled to batch 128 (LARS 1.0 x 128/256 = 0.5), heads narrowed to 512.
$R train Recipes/ssl/byol-resnet18-fmnist.yaml --run-dir "$RUNS/byol" "${COMMON[@]}" \
  --set objective.byol.projector_hidden=512 --set objective.byol.predictor_hidden=512 --set optimizer.lr=0.5

$R plot "$RUNS/simsiam" --value simsiam --by-epoch --out "$OUT/loss-simsiam.svg"
$R plot "$RUNS/byol" --value byol --by-epoch --out "$OUT/loss-byol.svg"
$R plot "$RUNS/simsiam" "$RUNS/byol" --value probe_accuracy --by-epoch --out "$OUT/online-probe.svg"
for r in simsiam byol; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"
  cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
done
git rev-parse HEAD > "$OUT/commit.txt"
