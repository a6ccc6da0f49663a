#!/usr/bin/env bash
# SwAV (with and without multi-crop, with and without its queue) and SeLa against SimCLR, SimSiam, BYOL and a
# randomly initialised backbone on Fashion-MNIST, at one budget: ResNet-18 (CIFAR stem) width 0.25, heads 512 wide,
# 2 epochs of the training part (54k images), batch 128, warmup 0.1 epoch, learning rates scaled linearly from the
# recipes' batch 256. SimCLR and random init come from Experiments/2026-12-03-simclr-simsiam-fmnist, SimSiam and BYOL
# from Experiments/2026-12-04-simsiam-byol-fmnist (same budget and probe protocol).
# Two rounds (README): the first ran SwAV with the reference's optimiser (LARC trust 0.001) and SeLa at commit
# 87801a5; SwAV's backbone barely moved (weight-change.py), so the SwAV variants run again with solo-learn's CIFAR
# optimiser (LARS trust 0.02, biases and norms excluded), from commit exp-ssl2 on. Cut to the CPU budget (about
# 4 CPU-hours): the variant runs go in the order multi-crop + queue, 2 crops + queue, multi-crop without queue; the
# fourth (2 crops without queue) is not run; the first round's multi-crop run without a queue was stopped at step
# 157 of 842 when the diagnosis came in and is not used.
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
    mkdir -p "$RUNS/$name"
    git rev-parse HEAD > "$RUNS/$name.commit.txt"
    $R train "$recipe" --run-dir "$RUNS/$name" "${COMMON[@]}" "$@"
  fi
}

# SwAV, round 1 (commit 87801a5): the recipe's LARC (trust 0.001) 0.6 -> 0.0006 scaled to batch 128; prototypes
# frozen for the first 100 steps (~a quarter epoch); K = 300; the queue (3840 rows = 30 batches) from the second
# epoch, as the reference starts it after ~7% of the run.
SWAV=(--set objective.swav.projector_hidden=512 --set optimizer.lr=0.3 --set schedule.min_lr=0.0003
      --set optimizer.groups.0.freeze_steps=100)
# Round 2: solo-learn's CIFAR optimiser for SwAV (scripts/pretrain/cifar/swav.yaml: LARS eta 0.02, biases and
# norms excluded from LARS and weight decay, lr 0.6 x batch/256), everything else as round 1.
SOLO=(--set optimizer.trust_coefficient=0.02 --set optimizer.exclude_bias_and_norm=true
      --set optimizer.groups.0.trust_coefficient=0.02 --set optimizer.groups.0.exclude_bias_and_norm=true)
QUEUE=(--set objective.swav.queue_length=3840 --set objective.swav.queue_start_epoch=1)
TWO_CROPS='[{count: 2, crop: {size: 28, scale: [0.14, 1.0], ratio: [0.75, 1.3333]}, flip: 0.5, color_jitter: {brightness: 0.4, contrast: 0.4, saturation: 0.0, hue: 0.0, probability: 0.8}}]'
train swav-mc-queue Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" "${QUEUE[@]}"
# SeLa (round 1): 10 heads x 30 clusters, lambda 10; 5 updates over the run give 4 labellings (steps 0, 80, 317,
# 713); SGD 0.05 -> 0.025 at batch 128 with a cosine schedule (the recipe's step drops fall after 2 epochs).
train sela Recipes/ssl/sela-resnet18-fmnist.yaml --set objective.sela.label_updates=5 --set optimizer.lr=0.025 \
  --set 'schedule={name: cosine, warmup_epochs: 0.1}'
train swav-mc-queue-solo Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" "${SOLO[@]}" "${QUEUE[@]}"
train swav-2crop-queue-solo Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" "${SOLO[@]}" "${QUEUE[@]}" --set "data.views=$TWO_CROPS"
train swav-mc-solo Recipes/ssl/swav-resnet18-fmnist.yaml "${SWAV[@]}" "${SOLO[@]}" --set objective.swav.queue_length=0

RUN_NAMES=(swav-mc-queue sela swav-mc-queue-solo swav-2crop-queue-solo swav-mc-solo)
SWAV_RUNS=("$RUNS/swav-mc-queue" "$RUNS/swav-mc-queue-solo" "$RUNS/swav-2crop-queue-solo" "$RUNS/swav-mc-solo")
$R plot "${SWAV_RUNS[@]}" --value swav --by-epoch --out "$OUT/loss-swav.svg"
$R plot "${SWAV_RUNS[@]}" --value prototypes_used --out "$OUT/swav-prototypes-used.svg"
$R plot "$RUNS/sela" --value sela --by-epoch --out "$OUT/loss-sela.svg"
$R plot "$RUNS/sela" --value sela_nmi --out "$OUT/sela-nmi.svg"
for r in "${RUN_NAMES[@]}"; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"
  cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
  cp "$RUNS/$r.commit.txt" "$OUT/$r.commit.txt"
  # The held-out metrics of the last checkpoint (SwAV: prototypes in use on the validation part), by the
  # same build (retort evaluate, from commit 6e1340f on).
  $R evaluate "$RUNS/$r" --json > "$OUT/evaluate-$r.json"
done
grep -h '"sela_nmi"' "$RUNS/sela/metrics.jsonl" > "$OUT/sela-labellings.jsonl"
$R zoo init resnet18 --stem cifar --width 0.25 --in-channels 1 --seed 0 --out "$RUNS/init.safetensors" >/dev/null
python3 "$OUT/weight-change.py" "$RUNS/init.safetensors" $(for r in "${RUN_NAMES[@]}"; do echo "$r=$RUNS/$r"; done) \
  "byol=$HOME/retort-runs/simsiam-byol/byol" "simsiam=$HOME/retort-runs/simsiam-byol/simsiam" > "$OUT/weight-change.md"
git rev-parse HEAD > "$OUT/commit.txt"
