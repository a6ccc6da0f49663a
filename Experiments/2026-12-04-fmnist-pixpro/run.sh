#!/usr/bin/env bash
# PixPro against BYOL, supervised pre-training and random init on Fashion-MNIST mosaics (56 x 56, dense labels),
# judged by the dense probe (mIoU, pixel accuracy; `retort probe --dense`) and the usual linear probe (the mosaic's
# dominant class), plus a study of PixPro's positive-pair threshold (0.7, 1.4) and map resolution (14 x 14, 7 x 7).
# Budget: the issue allows about 5 CPU-hours; a PixPro step at width 0.25, 14 x 14, batch 128 takes ~20 s on this
# 2-core machine, so every pre-training run is cut to 60 steps of batch 128 (7,680 images, 0.43 of an epoch of the
# 18,000-mosaic training part) and the backbone to ResNet-18 (CIFAR stem) width 0.25 with heads 512 wide. Same
# backbone, steps, batch and images for every method. Linear probes fit on a 30% subset of train (6,000 mosaics).
# LARS trust 0.02 with biases and norms excluded (solo-learn, and the BYOL recipe) for both SSL methods: with the
# reference's 0.001 a 60-step run barely moves the backbone (Experiments/2026-12-04-fmnist-ssl-methods).
# Random init: the supervised recipe at lr 1e-12 (the recipe checker refuses 0) for one step (weights as initialised; BN running statistics from one
# batch at momentum 0.1), so the checkpoint carries its recipe (last_stride) for the probes.
# The exact script behind the committed numbers: run it from the repository root of a clean checkout of the commit
# in commit.txt. Resumable: a finished run or probe is skipped. RUNS (default ~/retort-runs/pixpro) holds run folders.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-12-04-fmnist-pixpro
RUNS=${RUNS:-$HOME/retort-runs/pixpro}
mkdir -p data "$RUNS"
[ -f data/fmnist-mosaic-train.rstore ] || $R store build fashion-mnist-mosaic --split train --out data/fmnist-mosaic-train.rstore
[ -f data/fmnist-mosaic-test.rstore ] || $R store build fashion-mnist-mosaic --split test --out data/fmnist-mosaic-test.rstore
[ -f data/fmnist-mosaic-train-30.rstore ] || $R store subset data/fmnist-mosaic-train.rstore --fraction 0.3 --seed 0 --out data/fmnist-mosaic-train-30.rstore
COMMON=(--set model.width=0.25 --set train.max_steps=60 --set train.epochs=1 --set data.batch_size=128
        --set 'schedule={name: cosine, warmup_steps: 5}' --set eval.knn_every=0 --set eval.linear_probe=false
        --set train.log_every=5)
SSL_OPT=(--set optimizer.trust_coefficient=0.02 --set optimizer.exclude_bias_and_norm=true)
PIXPRO=(Recipes/ssl/pixpro-resnet18-mosaic.yaml "${SSL_OPT[@]}" --set objective.pixpro.projector_hidden=512)
MOSAIC_DATA=(--set data.train=data/fmnist-mosaic-train.rstore --set data.test=data/fmnist-mosaic-test.rstore
             --set 'data.normalize={mean: [0.1852], std: [0.3048]}' --set model.last_stride=1
             --set 'data.views=[{pad_crop: 4, flip: 0.5}]')

# train NAME RECIPE ARGS...: skip a finished run, resume a killed one, else start it.
train() {
  local name=$1 recipe=$2; shift 2
  if [ -f "$RUNS/$name/summary.json" ] && grep -q '"completed"' "$RUNS/$name/summary.json"; then
    echo "$name: done"
  elif [ -f "$RUNS/$name/checkpoints/last.json" ]; then
    $R train --resume "$RUNS/$name"
  else
    rm -rf "$RUNS/$name"; mkdir -p "$RUNS/$name"
    git rev-parse HEAD > "$RUNS/$name.commit.txt"
    $R train "$recipe" --run-dir "$RUNS/$name" "${COMMON[@]}" "$@"
  fi
}
# probe NAME: dense probe (5,000 train mosaics, masks of the first test images) and linear probe (30% subset).
probe() {
  local name=$1 ck="$RUNS/$1/checkpoints/last.safetensors"
  [ -f "$RUNS/$name.dense.json" ] || $R probe "$ck" --dense --train data/fmnist-mosaic-train.rstore \
    --test data/fmnist-mosaic-test.rstore --out-masks "$RUNS/$name-masks" --json "$RUNS/$name.dense.json"
  [ -f "$RUNS/$name.probe.json" ] || $R probe "$ck" --train data/fmnist-mosaic-train-30.rstore \
    --test data/fmnist-mosaic-test.rstore --no-knn --json "$RUNS/$name.probe.json"
}

train pixpro "${PIXPRO[@]}"; probe pixpro
train byol "${PIXPRO[@]}" --set 'objective={name: byol, byol: {projector_hidden: 512, projector_out: 256, predictor_hidden: 512, tau_base: 0.99, head_batch_norm: true}}'
probe byol
train random Recipes/supervised/resnet18-fmnist.yaml "${MOSAIC_DATA[@]}" --set optimizer.lr=1e-12 --set optimizer.weight_decay=0 --set train.max_steps=1
probe random
train supervised Recipes/supervised/resnet18-fmnist.yaml "${MOSAIC_DATA[@]}"
probe supervised
train pixpro-7x7 "${PIXPRO[@]}" --set model.last_stride=2
probe pixpro-7x7
train pixpro-t1.4 "${PIXPRO[@]}" --set objective.pixpro.threshold=1.4
probe pixpro-t1.4

NAMES=(pixpro byol random supervised pixpro-7x7 pixpro-t1.4)
for r in "${NAMES[@]}"; do
  cp "$RUNS/$r/summary.json" "$OUT/$r.summary.json"; cp "$RUNS/$r/resolved.yaml" "$OUT/$r.resolved.yaml"
  cp "$RUNS/$r/metrics.jsonl" "$OUT/$r.metrics.jsonl"; cp "$RUNS/$r.commit.txt" "$OUT/$r.commit.txt"
  cp "$RUNS/$r.dense.json" "$RUNS/$r.probe.json" "$OUT/"
  mkdir -p "$OUT/masks"; f=$(ls "$RUNS/$r-masks" | head -1); [ -n "$f" ] && cp "$RUNS/$r-masks/$f" "$OUT/masks/$r-$f"
done
$R plot "$RUNS/pixpro" "$RUNS/pixpro-7x7" "$RUNS/pixpro-t1.4" --value pixpro --out "$OUT/loss-pixpro.svg"
$R plot "$RUNS/byol" --value byol --out "$OUT/loss-byol.svg"
git rev-parse HEAD > "$OUT/commit.txt"
