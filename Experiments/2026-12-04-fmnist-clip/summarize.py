#!/usr/bin/env python3
"""The tables of this folder's README from the files next to it (no numbers typed by hand): per run the
zero-shot top-1/top-5 and retrieval recall on the test split (`zeroshot-<run>.json`, retort zeroshot), the linear
probe and kNN of the image tower trained on the whole labelled training store (`probe-<run>.json`, retort probe),
the validation kNN at the end of training, steps, wall time, throughput and peak memory (`<run>.summary.json`).
Random initialisation's probe comes from the SSL comparison at the same width.
Usage: python3 summarize.py [FOLDER] > table.md"""
import json
import os
import sys

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
RANDOM = os.path.join(HERE, "..", "2026-12-03-simclr-simsiam-fmnist", "random.probe.json")
PARTS = {"100": "100 % (54,000)", "25": "25 % (13,500)", "10": "10 % (5,400)"}


def load(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def pct(x):
    return "-" if x is None else f"{100 * x:.1f}"


def wall(seconds):
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


print("| method | training pairs | steps | zero-shot top-1 | top-5 | i→t R@1 | i→t R@5 | t→i R@1 | t→i R@5 "
      "| i→t class R@1 | t→i class R@1 | linear probe | kNN | val kNN (own part) | wall | img/s | peak RSS |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for method in ("clip", "declip"):
    for part in ("100", "25", "10"):
        run = f"{method}-{part}"
        s, z, p = load(f"{run}.summary.json"), load(f"zeroshot-{run}.json"), load(f"probe-{run}.json")
        if s is None:
            continue
        r = (z or {}).get("retrieval") or {}
        cells = [method.upper() if method == "clip" else "DeCLIP", PARTS[part], str(s["steps"]),
                 pct((z or {}).get("top1")), pct((z or {}).get("top5")),
                 pct(r.get("image_to_text_r1")), pct(r.get("image_to_text_r5")),
                 pct(r.get("text_to_image_r1")), pct(r.get("text_to_image_r5")),
                 pct(r.get("image_to_text_class_r1")), pct(r.get("text_to_image_class_r1")),
                 pct((p or {}).get("linear", {}).get("top1")), pct((p or {}).get("knn", {}).get("top1")),
                 pct(s["metrics"].get("val_knn_top1")), wall(s["wall_seconds"]),
                 f"{s['images_per_second']:.0f}", f"{s['peak_resident_bytes'] / 2**30:.2f} GiB"]
        print("| " + " | ".join(cells) + " |")
if os.path.exists(RANDOM):
    with open(RANDOM) as f:
        rp = json.load(f)
    print(f"| random init (same width) | - | 0 | - | - | - | - | - | - | - | - | {pct(rp['linear']['top1'])} "
          f"| {pct(rp['knn']['top1'])} | - | - | - | - |")
if z := load("zeroshot-clip-100.json"):
    pool = (z.get("retrieval") or {}).get("pool")
    print(f"\nRetrieval: {z['samples']} test pairs in pools of {pool}; chance R@1 = {100 / pool:.1f} %, R@5 = {500 / pool:.1f} %; "
          "class-level chance R@1 = 10 %. Zero-shot: chance 10 %.")
