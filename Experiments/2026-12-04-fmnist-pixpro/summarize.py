#!/usr/bin/env python3
"""Tables of the PixPro experiment from the files run.sh copies into this folder: per run the dense probe
(mIoU, pixel accuracy, per-class IoU), the linear probe on the mosaic's dominant class (top-1), and the
pre-training cost. Usage: python3 Experiments/2026-12-04-fmnist-pixpro/summarize.py [FOLDER]"""
import json
import os
import sys

FOLDER = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
RUNS = [("random", "random init"), ("supervised", "supervised (dominant class)"), ("byol", "BYOL"),
        ("pixpro", "PixPro, 14 x 14, threshold 0.7"), ("pixpro-t1.4", "PixPro, 14 x 14, threshold 1.4"),
        ("pixpro-7x7", "PixPro, 7 x 7 (last stride 2), threshold 0.7")]
CLASSES = ["bg", "T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]


def load(name, suffix):
    path = os.path.join(FOLDER, f"{name}.{suffix}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def main():
    print("| pre-training (ResNet-18 x0.25, 60 steps of 128) | map | dense mIoU | pixel acc. | linear top-1 | "
          "pre-training wall | positive pairs per sample |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for name, label in RUNS:
        dense, probe, summary = load(name, "dense"), load(name, "probe"), load(name, "summary")
        if dense is None:
            continue
        pairs = ""
        metrics = os.path.join(FOLDER, f"{name}.metrics.jsonl")
        if os.path.exists(metrics):
            values = [json.loads(l).get("metrics", {}).get("pixpro_pairs") for l in open(metrics)]
            values = [v for v in values if v is not None]
            pairs = f"{sum(values) / len(values):.0f}" if values else ""
        wall = f"{summary['wall_seconds'] / 60:.0f} min" if summary and name != "random" else "-"
        top1 = f"{100 * probe['linear']['top1']:.1f}%" if probe else "-"
        print(f"| {label} | {dense['mapHeight']} x {dense['mapWidth']} | {dense['meanIoU']:.3f} | "
              f"{100 * dense['pixelAccuracy']:.1f}% | {top1} | {wall} | {pairs} |")
        rows.append((label, dense))
    print()
    print("Per-class IoU (test):")
    print()
    print("| run | " + " | ".join(CLASSES) + " |")
    print("|---|" + "---|" * len(CLASSES))
    for label, dense in rows:
        print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in dense["classIoU"]) + " |")


if __name__ == "__main__":
    main()
