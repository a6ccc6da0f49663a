#!/usr/bin/env python3
"""Tables of this folder's README from the files next to it (no numbers typed by hand):
wall time per run from its copied metrics.jsonl (`<run>.metrics.jsonl`: a run resumed after a kill at a
commit before 3d9db87 restarted its clock, so the segments are added: the last elapsed_seconds before each
restart plus the final one),
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
    ("SwAV, multi-crop 2×28+4×16, queue; reference LARC (trust 0.001)", os.path.join(HERE, "swav-mc-queue.summary.json"), "this folder, round 1"),
    ("SeLa, 10 heads × 30, 4 labellings", os.path.join(HERE, "sela.summary.json"), "this folder, round 1"),
    ("SwAV, multi-crop 2×28+4×16, queue; solo-learn LARS (trust 0.02)", os.path.join(HERE, "swav-mc-queue-solo.summary.json"), "this folder, round 2"),
    ("SwAV, 2×28, queue; solo-learn LARS", os.path.join(HERE, "swav-2crop-queue-solo.summary.json"), "this folder, round 2"),
    ("SwAV, multi-crop 2×28+4×16, no queue; solo-learn LARS", os.path.join(HERE, "swav-mc-solo.summary.json"), "this folder, round 2"),
]

def run_wall(summary_path, summary):
    """Training seconds: from the run's metrics (segments added) when copied here, else the summary's."""
    metrics = summary_path.replace(".summary.json", ".metrics.jsonl")
    if not os.path.exists(metrics):
        return summary.get("wall_seconds")
    total, last = 0.0, None
    with open(metrics) as f:
        for line in f:
            e = json.loads(line).get("elapsed_seconds")
            if e is None:
                continue
            if last is not None and e < last:
                total += last
            last = e
    return total + max(last or 0.0, summary.get("wall_seconds") or 0.0)


with open(RANDOM) as f:
    rnd = json.load(f)
random_linear, random_knn = rnd["linear"]["top1"], rnd["knn"]["top1"]

print("| backbone (resnet18 ×0.25, 2 epochs) | linear probe (test) | vs random | kNN (test) | val kNN (final) | wall | img/s | source |")
print("|---|---|---|---|---|---|---|---|")
print(f"| random init | {pct(random_linear)} | - | {pct(random_knn)} | - | - | - | {rows[0][2]} |")
for name, path, source in rows[1:]:
    if not os.path.exists(path):
        print(f"| {name} | not finished yet | | | | | | {source} |")
        continue
    with open(path) as f:
        s = json.load(f)
    m = s["metrics"]
    lin, knn = m.get("linear_top1"), m.get("knn_top1")
    gain = "-" if lin is None else f"{100 * (lin - random_linear):+.1f}"
    ips = s.get("images_per_second")
    print(f"| {name} | {pct(lin)} | {gain} | {pct(knn)} | {pct(m.get('val_knn_top1'))} | {wall(run_wall(path, s))} | "
          f"{'-' if ips is None else f'{ips:.0f}'} | {source} |")

print()
print("| SwAV run (K = 300) | prototypes in use on the validation part (argmax score of >= 1 of 6,000 samples) | val kNN | step |")
print("|---|---|---|---|")
for run in ["swav-mc-queue", "swav-mc-queue-solo", "swav-2crop-queue-solo", "swav-mc-solo"]:
    # retort evaluate's output, else the run's own end-of-run validation metrics (code from 6e1340f on).
    ev = os.path.join(HERE, f"evaluate-{run}.json")
    if os.path.exists(ev):
        e = load(f"evaluate-{run}.json")
    elif os.path.exists(os.path.join(HERE, f"{run}.summary.json")):
        s = load(f"{run}.summary.json")
        e = dict(s["metrics"], step=s["steps"])
    else:
        continue
    if "val_prototypes_used" in e:
        print(f"| {run} | {int(e['val_prototypes_used'])} of 300 | {pct(e['val_knn_top1'])} | {int(e['step'])} |")

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
ev = os.path.join(HERE, "evaluate-sela.json")
if os.path.exists(ev):
    e = load("evaluate-sela.json")
    print(f"| end, validation part (head 0's argmax on 6,000 held-out samples; retort evaluate) | {int(e['step'])} | "
          f"{e['val_sela_nmi']:.3f} | {e['val_sela_ari']:.3f} | {int(e['val_sela_clusters'])} | - |")
