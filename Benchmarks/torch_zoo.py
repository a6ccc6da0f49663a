#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench zoo`: the same workloads (ResNet-18 cifar stem 32 px batch 128,
ResNet-50 224 px batch 16, vit_tiny patch 4 32 px batch 128, vit_small patch 16 224 px batch 32), training step (forward, backward, SGD
momentum 0.9, wd 5e-4) and inference, images/s, best of N after one warm-up, 2 threads.

Usage: python3 Benchmarks/torch_zoo.py [--threads 2] [--iterations 3] [--quick] [--only NAME] [--out .build/torch_zoo.json]
Writes {workload: {"train": img/s, "infer": img/s}} as JSON (read by retort-bench) and prints a table.
"""
import argparse
import json
import os
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # the baseline is optional
    print("torch is not installed; no baseline")
    raise SystemExit(0)


class Block(nn.Module):
    def __init__(self, cin, c, stride, bottleneck):
        super().__init__()
        out = c * (4 if bottleneck else 1)
        self.bottleneck = bottleneck
        if bottleneck:
            self.conv1, self.bn1 = nn.Conv2d(cin, c, 1, bias=False), nn.BatchNorm2d(c)
            self.conv2, self.bn2 = nn.Conv2d(c, c, 3, stride, 1, bias=False), nn.BatchNorm2d(c)
            self.conv3, self.bn3 = nn.Conv2d(c, out, 1, bias=False), nn.BatchNorm2d(out)
        else:
            self.conv1, self.bn1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False), nn.BatchNorm2d(c)
            self.conv2, self.bn2 = nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)
        self.downsample = None
        if stride != 1 or cin != out:
            self.downsample = nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        if self.bottleneck:
            y = F.relu(self.bn2(self.conv2(y)))
            y = self.bn3(self.conv3(y))
        else:
            y = self.bn2(self.conv2(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class ResNet(nn.Module):
    def __init__(self, blocks, bottleneck, classes, cifar):
        super().__init__()
        self.cifar = cifar
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False) if cifar else nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        cin, layers = 64, []
        for i, (n, c) in enumerate(zip(blocks, [64, 128, 256, 512])):
            for j in range(n):
                layers.append(Block(cin, c, (1 if i == 0 else 2) if j == 0 else 1, bottleneck))
                cin = c * (4 if bottleneck else 1)
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if not self.cifar:
            x = F.max_pool2d(x, 3, 2, 1)
        return self.fc(self.layers(x).mean(dim=(2, 3)))


class ViT(nn.Module):
    def __init__(self, img, patch, d, depth, heads, classes):
        super().__init__()
        self.proj = nn.Conv2d(3, d, patch, patch)
        n = (img // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


def best(n, fn):
    """The shortest of n timings after a warm-up (least disturbed by other load)."""
    fn()
    times = []
    for _ in range(max(n, 1)):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=".build/torch_zoo.json")
    ap.add_argument("--only", default=None, help="run only the workload of this name")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    workloads = [
        ("resnet18_cifar_32_b128", lambda: ResNet([2, 2, 2, 2], False, 10, True), 128, 32),
        ("resnet50_224_b16", lambda: ResNet([3, 4, 6, 3], True, 1000, False), 16, 224),
        ("vit_tiny_p4_32_b128", lambda: ViT(32, 4, 192, 12, 3, 10), 128, 32),
        ("vit_small_p16_224_b32", lambda: ViT(224, 16, 384, 12, 6, 1000), 32, 224),
    ]
    results = {}
    print(f"torch {torch.__version__}, threads {a.threads}")
    for name, make, batch, img in workloads:
        if a.only and name != a.only:
            continue
        if a.quick:
            batch = max(2, batch // 8)
        model = make()
        x = torch.randn(batch, 3, img, img)
        y = torch.arange(batch) % 10
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

        def train():
            model.train()
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()

        def infer():
            model.eval()
            with torch.no_grad():
                model(x)

        results[name] = {"train": batch / best(a.iterations, train), "infer": batch / best(a.iterations, infer), "batch": batch}
        print(f"{name}: batch {batch} train {results[name]['train']:.1f} img/s, infer {results[name]['infer']:.1f} img/s", flush=True)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
