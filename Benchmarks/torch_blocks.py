"""What the PyTorch baselines of `retort-bench` share (the timing loop and the JSON they write included) (imported by the step twins:
torch_kd.py, torch_clip.py, torch_swav.py, torch_byol.py, torch_pixpro.py; run them from anywhere, Python puts this folder on the path): torch itself, or a
clean exit when it is not installed (the baselines are optional), their command line (`step_arguments`), the ResNet basic block that
matches Retort's `BasicBlock` (conv3x3-BN-ReLU-conv3x3-BN, a 1x1 conv + BN shortcut when the shape
changes) and the CIFAR-stem ResNet-18 built from it."""
try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # the baseline is optional
    print("torch is not installed; no baseline")
    raise SystemExit(0)


class Block(nn.Module):
    def __init__(self, cin, c, stride):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)
        self.downsample = None
        if stride != 1 or cin != c:
            self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class CifarResNet18(nn.Module):
    """ResNet-18 as Retort's `ResNet<BasicBlock>(stem: .cifar, inputChannels: 1, width:)`: a 3x3 stride-1 stem without
    max-pool, two blocks per stage of width x (64, 128, 256, 512) channels, stage strides 1, 2, 2, `last_stride`.
    `forward` gives the last stage's map [N, C, H', W'], `features` its global average [N, C]; C is `channels`."""

    def __init__(self, width=1.0, last_stride=2):
        super().__init__()
        widths = [int(64 * width), int(128 * width), int(256 * width), int(512 * width)]
        self.conv1, self.bn1 = nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0])
        cin, layers = widths[0], []
        for i, c in enumerate(widths):
            for j in range(2):
                layers.append(Block(cin, c, [1, 2, 2, last_stride][i] if j == 0 else 1))
                cin = c
        self.layers = nn.Sequential(*layers)
        self.channels = cin

    def forward(self, x):
        return self.layers(F.relu(self.bn1(self.conv1(x))))

    def features(self, x):
        return self.forward(x).mean(dim=(2, 3))


def step_arguments(name, batch, extra=None):
    """The twins' common command line, `--threads` (2), `--iterations` (3), `--batch` (`batch`) and `--out`
    (`.build/torch_<name>.json`), plus what `extra(parser)` adds; sets torch's thread count and seed 0 and returns
    the parsed arguments."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--out", default=f".build/torch_{name}.json")
    if extra:
        extra(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    return a


def best_seconds(step, iterations):
    """The fastest of `iterations` (at least 1) timed calls of `step`, after one untimed warm-up call."""
    import time
    step()
    times = []
    for _ in range(max(iterations, 1)):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return min(times)


def write_result(path, result, indent=None):
    """Writes `result` as JSON to `path` (its folder made if missing), for `retort-bench` to read."""
    import json
    import os
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=indent)
