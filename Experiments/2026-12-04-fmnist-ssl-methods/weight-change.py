#!/usr/bin/env python3
"""How far training moved each backbone from its initialisation: ||W_end - W_init|| / ||W_init|| over all
convolution weights (and per stage), for the runs named on the command line. W_init is the zoo's
initialisation with the run's seed (`retort zoo init resnet18 --stem cifar --width 0.25 --in-channels 1
--seed 0`, which draws the same convolution weights as the trainer), W_end the run's last checkpoint.
Usage: python3 weight-change.py INIT.safetensors NAME=RUN_DIR ...   (prints a markdown table; numpy only)"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype="<f4").reshape(v["shape"])
    return out


init = read(sys.argv[1])
convs = sorted(k for k in init if init[k].ndim == 4)
groups = {"all convolutions": convs}
for stage in ["conv1", "layer1", "layer2", "layer3", "layer4"]:
    groups[stage] = [k for k in convs if k.startswith(stage)]
print("| run | " + " | ".join(groups) + " |")
print("|---|" + "---|" * len(groups))
for arg in sys.argv[2:]:
    name, run = arg.split("=", 1)
    end = read(f"{run}/checkpoints/last.safetensors")
    cells = []
    for keys in groups.values():
        d = sum(float(((end[k] - init[k]) ** 2).sum()) for k in keys)
        w = sum(float((init[k] ** 2).sum()) for k in keys)
        cells.append(f"{(d / w) ** 0.5:.3f}")
    print(f"| {name} | " + " | ".join(cells) + " |")
