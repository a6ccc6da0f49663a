#!/usr/bin/env bash
# The order in which this session ran the distillation and logit-cache experiments, most needed rows first, so
# that whatever one 3-hour session allowed is a complete comparison: teachers, seed 0 of every distillation row,
# the exact caches of seed 0, seed 1 of every distillation row, patient-and-consistent at 10 and 60 epochs, the
# pools of seed 0, the exact caches of seed 1, then seed 2 of every distillation row; last the DKD beta and DOT delta-0 rows. Each step resumes or skips
# what is done; the folder's results.md files are rewritten after every step.
set -euo pipefail
D=Experiments/2026-12-04-fmnist-distillation/run.sh
C=Experiments/2026-12-04-fmnist-logit-cache/run.sh
SEEDS=0 FM_EPOCHS= $D
SEEDS=0 POOLS= $C
SEEDS="0 1" FM_EPOCHS= $D
SEEDS="0 1" FM_EPOCHS="10 60" $D
SEEDS=0 POOLS="4 16" $C
SEEDS="0 1" POOLS= $C
SEEDS="0 1 2" FM_EPOCHS="10 60" $D
# Then, from a checkout of the later commit that added the DKD beta and DOT delta-0 rows to run.sh (everything above is skipped as
# done; each run's *.commit.txt names the commit that ran it):
SEEDS="0 1 2" FM_EPOCHS="10 60" $D
