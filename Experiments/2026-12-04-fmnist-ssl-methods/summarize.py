#!/usr/bin/env python3
"""Tables of this folder's README from the files next to it (no numbers typed by hand):
the method table (this folder's summaries, the reused SimCLR/SimSiam/BYOL/random rows of the earlier
folders at the same budget), SwAV prototype usage on the validation part (`evaluate-*.json`, from
`retort evaluate`), and SeLa's labellings (`sela-labellings.jsonl`).
Usage: python3 summarize.py > tables.md   (from this folder)"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
EXP = os.path.dirname(HERE)


def load(path):
    with open(os.path.join(HERE, path)) as f:
        return json.load(f)


def pct(x):
    return "-" if x is None else f"{100 * x:.1f}%"


def wall(seconds):
    if seconds is None:
        return "-"
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


RANDOM = os.path.join(EXP, "2026-12-03-simclr-simsiam-fmnist", "random.probe.json")
rows = [
    ("random init", None, "../2026-12-03-simclr-simsiam-fmnist/random.probe.json"),
    ("SimCLR", os.path.join(EXP, "2026-12-03-simclr-simsiam-fmnist", "simclr.summary.json"), "../2026-12-03-simclr-simsiam-fmnist"),
    ("SimSiam (CIFAR optimisation)", os.path.join(EXP, "2026-12-04-simsiam-byol-fmnist", "simsiam.summary.json"), "../2026-12-04-simsiam-byol-fmnist"),
    ("BYOL", os.path.join(EXP, "2026-12-04-simsiam-byol-fmnist", "byol.summary.json"), "../2026-12-04-simsiam-byol-fmnist"),
    ("SwAV, multi-crop 2×28+4×16, queue", os.path.join(HERE, "swav-mc-queue.summary.json"), "this folder"),
    ("SwAV, multi-crop 2×28+4×16, no queue", os.path.join(HERE, "swav-mc.summary.json"), "this folder"),
    ("SwAV, 2×28, queue", os.path.join(HERE, "swav-2crop-queue.summary.json"), "this folder"),
    ("SeLa, 10 heads × 30, 4 labellings", os.path.join(HERE, "sela.summary.json"), "this folder"),
]

with open(RANDOM) as f:
    rnd = json.load(f)
random_linear, random_knn = rnd["linear"]["top1"], rnd["knn"]["top1"]

print("| backbone (resnet18 ×0.25, 2 epochs) | linear probe (test) | vs random | kNN (test) | val kNN (final) | wall | img/s | source |")
print("|---|---|---|---|---|---|---|---|")
print(f"| random init | {pct(random_linear)} | - | {pct(random_knn)} | - | - | - | {rows[0][2]} |")
for name, path, source in rows[1:]:
    if not os.path.exists(path):
        print(f"| {name} | (missing) | | | | | | {source} |")
        continue
    with open(path) as f:
        s = json.load(f)
    m = s["metrics"]
    lin, knn = m.get("linear_top1"), m.get("knn_top1")
    gain = "-" if lin is None else f"{100 * (lin - random_linear):+.1f}"
    ips = s.get("images_per_second")
    print(f"| {name} | {pct(lin)} | {gain} | {pct(knn)} | {pct(m.get('val_knn_top1'))} | {wall(s.get('wall_seconds'))} | "
          f"{'-' if ips is None else f'{ips:.0f}'} | {source} |")

print()
print("| SwAV run (K = 300) | prototypes used, last training batch (Sinkhorn codes) | prototypes used on the validation part (argmax score) | val kNN (evaluate) | step |")
print("|---|---|---|---|---|")
for run in ["swav-mc-queue", "swav-mc", "swav-2crop-queue"]:
    ev = os.path.join(HERE, f"evaluate-{run}.json")
    last = None
    metrics = os.path.join(HERE, f"{run}.last-step.json")
    if os.path.exists(metrics):
        last = load(f"{run}.last-step.json").get("prototypes_used")
    if os.path.exists(ev):
        e = load(f"evaluate-{run}.json")
        print(f"| {run} | {'-' if last is None else int(last)} | {int(e['val_prototypes_used'])} of 300 | {pct(e['val_knn_top1'])} | {int(e['step'])} |")

print()
print("| SeLa labelling | step | NMI vs labels | ARI | clusters used (of 30, head 0) | Sinkhorn updates |")
print("|---|---|---|---|---|---|")
path = os.path.join(HERE, "sela-labellings.jsonl")
if os.path.exists(path):
    with open(path) as f:
        for i, line in enumerate(l for l in f if l.strip()):
            r = json.loads(line)
            m = r.get("metrics", r)
            print(f"| {i + 1} | {r.get('step', '-')} | {m['sela_nmi']:.3f} | {m['sela_ari']:.3f} | {int(m['sela_clusters'])} | "
                  f"{int(m['sela_sinkhorn_iterations'])} |")
