#!/usr/bin/env python3
"""Tables of the logit-cache experiment: per row (mean ± std over seeds) the student's test accuracy, kNN, training
images/s and its ratio to the student alone of the same seed, wall time; and per cache its size and the wall time of
its teacher pass. Usage: summarize.py FOLDER > results.md"""
import glob, os, re, statistics, sys, json

folder = sys.argv[1]
runs = {os.path.basename(p)[:-len(".summary.json")]: json.load(open(p)) for p in glob.glob(os.path.join(folder, "*.summary.json"))}
ROWS = [("alone", "student alone (no teacher)"), ("live", "KD, live teacher"), ("k10", "KD from cache, K = 10 (all), F16"),
        ("k5", "KD from cache, K = 5, renormalised"), ("k2", "KD from cache, K = 2, renormalised"),
        ("k2-uniform", "KD from cache, K = 2, rest uniform")]
ROWS += [(f"pool{n}", f"KD from a pool of {n} views/sample, K = 10")
         for n in sorted({int(m.group(1)) for m in (re.match(r"pool(\d+)-s", r) for r in runs) if m})]

def cell(v, d=2):
    if not v:
        return "–"
    return f"{v[0]:.{d}f}" if len(v) == 1 else f"{statistics.mean(v):.{d}f} ± {statistics.stdev(v):.{d}f}"

print("## Students (ResNet-18 x0.125, steps as in each resolved recipe; mean ± std over seeds)\n")
print("(img/s and wall time are as the runs logged them; some runs shared the machine with builds, so speed is compared in the\n"
      "distillation folder's speed.txt, from alternating `retort-bench kd` rounds, not here.)\n")
print("| row | seeds | test acc % | agreement % | KL(t‖s) | kNN % | img/s | wall min |\n|---|---|---|---|---|---|---|---|")
for key, label in ROWS:
    names = sorted(n for n in runs if n.rsplit("-s", 1)[0] == key)
    if not names:
        continue
    acc = [100 * runs[n]["metrics"]["test_accuracy"] for n in names]
    knn = [100 * runs[n]["metrics"]["knn_top1"] for n in names]
    agree = [100 * runs[n]["metrics"]["test_agreement"] for n in names if "test_agreement" in runs[n]["metrics"]]
    kl = [runs[n]["metrics"]["test_teacher_kl"] for n in names if "test_teacher_kl" in runs[n]["metrics"]]
    ips = [runs[n]["images_per_second"] for n in names]
    wall = [runs[n]["wall_seconds"] / 60 for n in names]
    print(f"| {label} | {','.join(n.rsplit('-s', 1)[1] for n in names)} | {cell(acc)} | {cell(agree)} | {cell(kl, 3)} | {cell(knn)} | "
          f"{cell(ips, 0)} | {cell(wall, 1)} |")

print("\n## Caches\n")
print("| cache | bytes | bytes per view | teacher pass |\n|---|---|---|---|")
for p in sorted(glob.glob(os.path.join(folder, "*.size.txt"))):
    n = os.path.basename(p)[:-len(".size.txt")]
    t = os.path.join(folder, n + ".time.txt")
    size = int(open(p).read().split()[0])
    inspect = open(os.path.join(folder, n + ".inspect.txt")).read()
    entries = int(re.search(r"^samples:\s+(\d+)", inspect, re.M).group(1))
    header = json.loads(re.search(r"^source:\s+(\{.*\})$", inspect, re.M).group(1))
    views = entries * header["poolSize"] if header.get("poolSize") else entries * header["batchSize"]
    print(f"| {n} | {size} | {size / views:.1f} ({views} views) | {open(t).read().strip() if os.path.exists(t) else '–'} |")
