#!/usr/bin/env python3
"""Tables of the distillation experiment from the copied run summaries: every student row as mean ± std over
seeds (test accuracy of the student's classifier, top-1 agreement and KL(teacher || student) on the test split,
kNN top-1, wall time), the teachers, the four patient-and-consistent settings, and the published claims with the
numbers that decide them. Usage: summarize.py FOLDER > results.md"""
import glob, json, os, re, statistics, sys

folder = sys.argv[1]
summaries = {os.path.basename(p)[:-len(".summary.json")]: json.load(open(p))
             for p in glob.glob(os.path.join(folder, "*.summary.json"))}

def max_steps(name):
    path = os.path.join(folder, name + ".resolved.yaml")
    m = re.search(r"max_steps: (\d+)", open(path).read()) if os.path.exists(path) else None
    return int(m.group(1)) if m else None

STEPS = max_steps("alone-s0") or 0
FM_EPOCHS = sorted({int(m.group(1)) for m in (re.match(r"fm-.*-e(\d+)$", n) for n in summaries) if m})
FM_EPOCHS = [str(e) for e in FM_EPOCHS]

def metric(s, key):
    return s.get("metrics", {}).get(key)

ROWS = [("alone", f"student alone, {STEPS} steps"), ("alone2x", f"student alone, {2 * STEPS} steps"), ("kd", "Hinton KD (T 4, α 0.5)"),
        ("dkd", "DKD (α 1, β 8, T 4)"), ("dkd-b2", "DKD (α 1, β 2, T 4)"), ("dkd-b05t1", "DKD (α 1, β 0.5, T 1)"), ("kd-dot", "KD + DOT (Δ 0.075)"), ("kd-dot0", "KD + DOT with Δ 0 (momentum SGD, no Nesterov)"), ("dkd-dot", "DKD + DOT (Δ 0.075)"),
        ("meal-v2", f"MEAL V2, ResNet-18 + ResNet-34 (from student alone, +{STEPS})"),
        ("meal-v2-single", f"MEAL V2, ResNet-18 only (from student alone, +{STEPS})"), ("ssld", "SSLD (+ unlabelled half)")]
COLS = [("test_accuracy", "test acc %", 100), ("test_agreement", "agreement %", 100), ("test_teacher_kl", "KL(t‖s)", 1),
        ("knn_top1", "kNN %", 100), ("data_wait_fraction", "data wait %", 100), ("wall_seconds", "wall min", 1 / 60)]

def stats(names, key, scale):
    vals = [v * scale for v in ((metric(summaries[n], key) if key != "wall_seconds" else summaries[n].get(key)) for n in names) if v is not None]
    return vals

def cell(vals, digits=2):
    if not vals:
        return "–"
    if len(vals) == 1:
        return f"{vals[0]:.{digits}f}"
    return f"{statistics.mean(vals):.{digits}f} ± {statistics.stdev(vals):.{digits}f}"

means = {}
print("## Teachers (labelled half, seed 0)\n")
print("| teacher | test acc % | kNN % | wall min |\n|---|---|---|---|")
for t in ["teacher-r18", "teacher-r34"]:
    if t in summaries:
        s = summaries[t]
        print(f"| {t} | {100 * metric(s, 'test_accuracy'):.2f} | {100 * metric(s, 'knn_top1'):.2f} | {s['wall_seconds'] / 60:.1f} |")

print(f"\n## Students: ResNet-18 ×0.125, {STEPS} steps of 128 (mean ± std over the seeds listed)\n")
print("(wall min as the runs logged it; some runs shared the machine with builds: speed is in speed.txt.)\n")
print("| row | seeds | " + " | ".join(c[1] for c in COLS) + " |")
print("|---|---|" + "---|" * len(COLS))
for key, label in ROWS:
    names = sorted(n for n in summaries if n.rsplit("-s", 1)[0] == key)
    if not names:
        continue
    seeds = ",".join(n.rsplit("-s", 1)[1] for n in names)
    cells = []
    for col, _, scale in COLS:
        vals = stats(names, col, scale)
        means[(key, col)] = vals
        cells.append(cell(vals, 3 if col in ("test_teacher_kl", "data_wait_fraction") else 2 if col != "wall_seconds" else 1))
    print(f"| {label} | {seeds} | " + " | ".join(cells) + " |")

print("\n## Patient and consistent teaching (1,000 images, single seed)\n")
print("| setting | " + " | ".join(f"{e} epochs: test acc % / agreement % / KL" for e in FM_EPOCHS) + " |\n|---|" + "---|" * len(FM_EPOCHS))
fm = {}
for setting in ["fixed", "independent", "consistent", "function_matching"]:
    cells = []
    for e in FM_EPOCHS:
        s = summaries.get(f"fm-{setting}-e{e}")
        if s is None:
            cells.append("–")
            continue
        fm[(setting, e)] = metric(s, "test_accuracy")
        cells.append(f"{100 * metric(s, 'test_accuracy'):.2f} / {100 * metric(s, 'test_agreement'):.2f} / {metric(s, 'test_teacher_kl'):.3f}")
    print(f"| {setting} | " + " | ".join(cells) + " |")

def mean(key, col="test_accuracy"):
    v = means.get((key, col)) or []
    return statistics.mean(v) if v else None

def diff(a, b, col="test_accuracy"):
    x, y = means.get((a, col)) or [], means.get((b, col)) or []
    if not x or not y:
        return "not run"
    d = statistics.mean(x) - statistics.mean(y)
    spread = max(statistics.stdev(x) if len(x) > 1 else 0, statistics.stdev(y) if len(y) > 1 else 0)
    verdict = "yes" if d > spread else ("no" if d < -spread else "within the seed spread")
    return f"{d:+.2f} points (largest std {spread:.2f}): {verdict}"

print("\n## Claims (test accuracy of the student's classifier)\n")
print(f"- DKD ≥ KD: DKD − KD = {diff('dkd', 'kd')}")
print(f"- DKD with β 2 ≥ KD: {diff('dkd-b2', 'kd')}")
print(f"- DKD with β 0.5, T 1 ≥ KD: {diff('dkd-b05t1', 'kd')}")
print(f"- DOT helps KD: (KD + DOT) − KD = {diff('kd-dot', 'kd')}")
print(f"- DOT's Δ alone (same optimizer with Δ 0): (KD + DOT) − (KD + DOT, Δ 0) = {diff('kd-dot', 'kd-dot0')}")
print(f"- Nesterov vs plain momentum under KD: KD − (KD + DOT, Δ 0) = {diff('kd', 'kd-dot0')}")
print(f"- DOT helps DKD: (DKD + DOT) − DKD = {diff('dkd-dot', 'dkd')}")
print(f"- The ensemble helps MEAL V2: ensemble − one teacher = {diff('meal-v2', 'meal-v2-single')}")
print(f"- MEAL V2 beats the student trained as long alone: MEAL V2 − alone {2 * STEPS} = {diff('meal-v2', 'alone2x')}")
print(f"- KD helps at all: KD − alone = {diff('kd', 'alone')}")
print(f"- SSLD (with unlabelled images, no labels) vs KD: SSLD − KD = {diff('ssld', 'kd')}")
order = ["function_matching", "consistent", "independent", "fixed"]
for e in FM_EPOCHS:
    vals = [(s, fm.get((s, e))) for s in order]
    if all(v is not None for _, v in vals):
        ranked = sorted(vals, key=lambda x: -x[1])
        print(f"- Patient and consistent, {e} epochs (single seed): " + " > ".join(f"{s} {100 * v:.2f}" for s, v in ranked))
if len(FM_EPOCHS) > 1 and all(fm.get((s, e)) is not None for s in order for e in FM_EPOCHS):
    lo, hi = FM_EPOCHS[0], FM_EPOCHS[-1]
    gains = {s: 100 * (fm[(s, hi)] - fm[(s, lo)]) for s in order}
    print(f"- Gain from {lo} to {hi} epochs: " + ", ".join(f"{s} {g:+.2f}" for s, g in gains.items()))
