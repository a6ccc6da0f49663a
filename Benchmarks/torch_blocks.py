"""What the PyTorch baselines of `retort-bench` share (the timing loop and the JSON they write included) (imported by torch_swav.py, torch_clip.py,
torch_pixpro.py; run them from anywhere, Python puts this folder on the path): torch itself, or a
clean exit when it is not installed (the baselines are optional), and the ResNet basic block that
matches Retort's `BasicBlock` (conv3x3-BN-ReLU-conv3x3-BN, a 1x1 conv + BN shortcut when the shape
changes)."""
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
