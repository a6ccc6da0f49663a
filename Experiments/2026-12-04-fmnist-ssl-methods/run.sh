#!/usr/bin/env bash
# SwAV (with and without multi-crop, with and without its queue) and SeLa against SimCLR, SimSiam, BYOL and a
# randomly initialised backbone on Fashion-MNIST, at one budget: ResNet-18 (CIFAR stem) width 0.25, heads 512 wide,
# 2 epochs of the training part (54k images), batch 128, warmup 0.1 epoch, learning rates scaled linearly from the
# recipes' batch 256. SimCLR and random init come from Experiments/2026-12-03-simclr-simsiam-fmnist, SimSiam and BYOL
# from Experiments/2026-12-04-simsiam-byol-fmnist (same budget and probe protocol).
# Cut to the CPU budget (about 4 CPU-hours): three SwAV variants instead of four (no 2-crop run without a queue).
# The exact script behind the committed numbers: run it from the repository root of a clean checkout of the commit
# in commit.txt. It is resumable: a finished run (summary.json) is skipped, a killed one resumed from its checkpoint.
# RUNS (default ~/retort-runs/ssl-methods) holds the run folders outside the work tree.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-12-04-fmnist-ssl-methods
RUNS=${RUNS:-$HOME/retort-runs/ssl-methods}
mkdir -p data "$RUNS"
[ -f data/fmnist-train.rstore ] || $R store build fashion-mnist --split train --out data/fmnist-train.rstore
[ -f data/fmnist-test.rstore ] || $R store build fashion-mnist --split test --out data/fmnist-test.rstore
# kNN each epoch and the choice of `best` use the recipes' validation part of train (10%); the test split is scored
# once at the end (kNN and the L-BFGS linear probe).
COMMON=(--set model.width=0.25 --set train.epochs=2 --set data.batch_size=128 --set schedule.warmup_epochs=0.1
        --set eval.knn_every=1 --set eval.linear_probe=true --set train.log_every=20)

# train NAME RECIPE ARGS...: skip a finished run, resume a killed one, else start it.
train() {
  local name=$1 recipe=$2; shift 2
  if [ -f "$RUNS/$name/summary.json" ] && grep -q '"completed"' "$RUNS/$name/summary.json"; then
    echo "$name: done"
  elif [ -f "$RUNS/$name/checkpoints/last.json" ]; then
    $R train --resume "$RUNS/$name"
  else
    rm -rf "$RUNS/$name"
    $R train "$recipe" --run-dir "$RUNS/$name" "${COMMON[@]}" "$@"
  fi
}

# SwAV: the recipe's LARS 0.6 -> 0.0006 scaled to batch 128; prototypes frozen for the first 100 steps (~a quarter
# epoch); K = 300; the queue (3840 rows = 30 batches) from the second epoch, as the reference starts it after ~7%.
SWAV=(--set objective.swav.projector_hidden=512 --set optimizer.lr=0.3 --set schedule.min_lr=0.0003
      --set optimizer.groups.0.freeze_steps=100)
TWO_CROPS='[{count: 2, crop: {size: 28, scale: [0.14, 1.0], ratio: [0.75, 1.3333]}, flip: 0.5, color_jitter: {brightness: 0.4, contrast: 0.4, saturation: 0.0, hue: 0.0, probability: 0.8}}]'
train swav-mc-queue Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" \
  --set objective.swav.queue_length=3840 --set objective.swav.queue_start_epoch=1
# SeLa: 10 heads x 30 clusters, lambda 10; 5 updates over the run give 4 labellings (steps 0, 80, 317, 713); SGD
# 0.05 -> 0.025 at batch 128 with a cosine schedule (the recipe's step drops fall after 2 epochs).
train sela Recipes/ssl/sela-resnet18-fmnist.yaml --set objective.sela.label_updates=5 --set optimizer.lr=0.025 \
  --set 'schedule={name: cosine, warmup_epochs: 0.1}'
train swav-mc Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" --set objective.swav.queue_length=0
train swav-2crop-queue Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" --set "data.views=$TWO_CROPS" \
  --set objective.swav.queue_length=3840 --set objective.swav.queue_start_epoch=1

RUN_NAMES=(swav-mc-queue swav-mc swav-2crop-queue sela)
$R plot "$RUNS/swav-mc-queue" "$RUNS/swav-mc" "$RUNS/swav-2crop-queue" --value swav --by-epoch --out "$OUT/loss-swav.svg"
$R plot "$RUNS/swav-mc-queue" "$RUNS/swav-mc" "$RUNS/swav-2crop-queue" --value prototypes_used --out "$OUT/swav-prototypes-used.svg"
$R plot "$RUNS/sela" --value sela --by-epoch --out "$OUT/loss-sela.svg"
$R plot "$RUNS/sela" --value sela_nmi --out "$OUT/sela-nmi.svg"
for r in "${RUN_NAMES[@]}"; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"
  cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
done
grep -h '"sela_nmi"' "$RUNS/sela/metrics.jsonl" > "$OUT/sela-labellings.jsonl"
git rev-parse HEAD > "$OUT/commit.txt"
