#!/usr/bin/env bash
# Teacher-logit caching on Fashion-MNIST: what does a teacher pass cost, and does KD from a cache (exact replay with
# the top K = 10 (all), 5 or 2 logits, or a pool of N = 4 or 16 recorded views per sample) reach the live-teacher
# KD's accuracy at the cost of training the student alone?
# Setup: the distillation experiment's data split and teacher (Experiments/2026-12-04-fmnist-distillation: the
# labelled half of train, ResNet-18 x0.25 teacher `teacher-r18`, 4x the student's FLOPs), its Hinton KD student
# (ResNet-18 x0.125, T 4, alpha 0.5, STEPS = 420 steps of 128 = two epochs of the labelled part, cosine with 40
# warm-up steps). Rows per seed: the student alone and KD with the live teacher (the distillation experiment's runs
# alone-sN and kd-sN, the same recipe and seed, copied here rather than trained twice), KD from an exact cache with
# K = 10 (F16), K = 5 and K = 2 (F16, renormalised top-k as FKD; K = 2 also with the rest spread uniformly), and
# from pools of N = 4 and 16 recorded views per sample (K = 10, F16). Each cache is made per seed (exact caches
# depend on the seed; pools on the validation split, i.e. train.seed). The wall time of every cache pass is
# recorded (*.time.txt). With two epochs each sample is drawn twice, so a pool row replays at most two of its N
# recorded views: it checks the replay and prices the N teacher passes more than it shows a pool's variety.
# Budget (about 4 CPU-hours, 2 cores): 2 seeds; order.sh in the distillation folder gives the order of the rows.
# The exact script behind the committed numbers: run it from the repository root of a clean checkout of the commit
# in each run's *.commit.txt, after the distillation experiment made its teacher (TEACHER below).
# Resumable: finished runs and caches are skipped, a killed run resumed, a killed cache pass continued.
set -euo pipefail
make build
R=.build/release/retort
OUT=Experiments/2026-12-04-fmnist-logit-cache
RUNS=${RUNS:-$HOME/retort-runs/logit-cache}
TEACHER=${TEACHER:-$HOME/retort-runs/distillation/teacher-r18/checkpoints/best.safetensors}
STEPS=${STEPS:-420}
SEEDS=${SEEDS:-"0 1"}
POOLS=${POOLS-"4 16"}
DRUNS=${DRUNS:-$HOME/retort-runs/distillation}
LAST=${LAST:-}   # appended to every command (a smoke test: LAST="--set train.max_steps=2")
mkdir -p "$RUNS" "$OUT"
[ -f data/fmnist-labelled.rstore ] || $R store subset data/fmnist-train.rstore --fraction 0.5 --seed 0 --out data/fmnist-labelled.rstore
[ -f "$TEACHER" ] || { echo "no teacher at $TEACHER: run Experiments/2026-12-04-fmnist-distillation/run.sh first"; exit 1; }

KD=Recipes/kd/kd-resnet18-fmnist.yaml
COMMON=(--set data.train=data/fmnist-labelled.rstore --set data.test=data/fmnist-test.rstore --set data.batch_size=128
        --set data.val_fraction=0.1 --set eval.knn_every=2 --set eval.linear_probe=false --set train.log_every=10
        --set model.width=0.125 --set train.epochs=100 --set train.max_steps=$STEPS --set train.checkpoint_every=105
        --set 'schedule={name: cosine, warmup_steps: 40}')
LIVE=(--set objective.kd.teachers.0.checkpoint=$TEACHER --set objective.kd.teachers.0.model.width=0.25)

train() {   # train NAME RECIPE ARGS...: skip a finished run, resume a killed one, else start it
  local name=$1 recipe=$2; shift 2
  if [ -f "$RUNS/$name/summary.json" ] && grep -q '"completed"' "$RUNS/$name/summary.json"; then
    echo "$name: done"
  elif [ -f "$RUNS/$name/checkpoints/last.json" ]; then
    $R train --resume "$RUNS/$name"
  else
    rm -rf "$RUNS/$name"; mkdir -p "$RUNS/$name"
    git rev-parse HEAD > "$RUNS/$name.commit.txt"
    $R train "$recipe" --run-dir "$RUNS/$name" "${COMMON[@]}" "$@" $LAST
  fi
}
cache() {   # cache FILE ARGS...: make a cache unless it exists (a killed pass continues), timing it
  local file=$1; shift
  [ -f "$file" ] && { echo "$file: done"; return; }
  local start=$SECONDS
  $R cache-logits $KD --out "$file" "${COMMON[@]}" "${LIVE[@]}" "$@" $LAST
  echo "$((SECONDS - start)) s wall (this call; a continued pass counts only its last part)" > "$file.time"
  cat "$file.time"
}
borrow() {   # borrow NAME RUN: a row the distillation experiment ran with this very recipe and seed
  [ -f "$DRUNS/$2/summary.json" ] || { echo "no $DRUNS/$2: run Experiments/2026-12-04-fmnist-distillation/run.sh first"; exit 1; }
  for f in summary.json resolved.yaml metrics.jsonl; do cp "$DRUNS/$2/$f" "$OUT/$1.$f"; done
  cp "$DRUNS/$2.commit.txt" "$OUT/$1.commit.txt"
}
FROM=(--set objective.kd.teachers=null)

RUN_NAMES=()
for seed in $SEEDS; do
  S=(--set train.seed=$seed)
  C=$RUNS/cache-s$seed
  cache $C-k10.rstore --top-k 10 --dtype f16 "${S[@]}"
  cache $C-k5.rstore --top-k 5 --dtype f16 "${S[@]}"
  cache $C-k2.rstore --top-k 2 --dtype f16 "${S[@]}"
  for n in $POOLS; do cache $C-pool$n.rstore --top-k 10 --dtype f16 --pool $n "${S[@]}"; done
  borrow alone-s$seed alone-s$seed
  borrow live-s$seed kd-s$seed
  train k10-s$seed $KD "${S[@]}" "${FROM[@]}" --set objective.kd.teacher_cache=$C-k10.rstore
  train k5-s$seed $KD "${S[@]}" "${FROM[@]}" --set objective.kd.teacher_cache=$C-k5.rstore
  train k2-s$seed $KD "${S[@]}" "${FROM[@]}" --set objective.kd.teacher_cache=$C-k2.rstore
  train k2-uniform-s$seed $KD "${S[@]}" "${FROM[@]}" --set objective.kd.teacher_cache=$C-k2.rstore --set objective.kd.cache_targets=uniform_rest
  RUN_NAMES+=(k10-s$seed k5-s$seed k2-s$seed k2-uniform-s$seed)
  for n in $POOLS; do
    train pool$n-s$seed $KD "${S[@]}" "${FROM[@]}" --set objective.kd.teacher_cache=$C-pool$n.rstore
    RUN_NAMES+=(pool$n-s$seed)
  done
  for f in $C-*.rstore; do
    n=$(basename "$f" .rstore)
    cp "$f.time" "$OUT/$n.time.txt"
    echo "$(stat -c %s "$f") bytes" > "$OUT/$n.size.txt"
    $R store inspect "$f" > "$OUT/$n.inspect.txt"
  done
done
for r in "${RUN_NAMES[@]}"; do
  for f in summary.json resolved.yaml metrics.jsonl; do cp "$RUNS/$r/$f" "$OUT/$r.$f"; done
  cp "$RUNS/$r.commit.txt" "$OUT/$r.commit.txt"
done
python3 "$OUT/summarize.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
