#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench ssl` (the BYOL step): the same workload as SSLBench.swift,
one BYOL training step after deepmind-research/byol (byol_experiment.py) on one process:
2 views of 28 px, 1 channel, batch 256, ResNet-18 cifar stem at width 0.5 (no classifier); online
projector Linear(256, 2048)-BN-ReLU-Linear(2048, 128) and predictor Linear(128, 2048)-BN-ReLU-Linear(2048, 128);
target = EMA copy of backbone + projector (tau 0.996), forwarded in training mode without gradients;
loss 2 - 2cos(q1, sg z2') + 2 - 2cos(q2, sg z1') (batch means), each view forwarded on its own; backward,
SGD(momentum 0.9, wd 1e-6) behind LARC-style scaling (trust 0.001; torch_swav.lars_step), then the EMA
update. Best of N after one warm-up.

Usage: python3 Benchmarks/torch_byol.py [--threads 2] [--iterations 3] [--batch 256] [--out .build/torch_byol.json]
Writes {"images_per_second": ..., "seconds": ..., "batch": ...} (read by retort-bench ssl).
"""
import copy

from torch_blocks import CifarResNet18, F, best_seconds, nn, step_arguments, torch, write_result  # torch, or a clean exit without it
from torch_swav import lars_step


def mlp(inputs, hidden, outputs):
    return nn.Sequential(nn.Linear(inputs, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, outputs))


class Encoder(nn.Module):
    """ResNet-18, cifar stem (3x3 stride 1, no max-pool), width 0.5, 1 input channel, then the projector."""

    def __init__(self, width=0.5, hidden=2048, dim=128):
        super().__init__()
        self.trunk = CifarResNet18(width)
        self.projector = mlp(self.trunk.channels, hidden, dim)

    def forward(self, x):
        return self.projector(self.trunk.features(x))


def regression(q, z):
    return (2 - 2 * F.cosine_similarity(q, z.detach(), dim=1)).mean()


def main():
    a = step_arguments("byol", batch=256)
    online = Encoder()
    predictor = mlp(128, 2048, 128)
    target = copy.deepcopy(online)
    for p in target.parameters():
        p.requires_grad_(False)
    params = list(online.parameters()) + list(predictor.parameters())
    opt = torch.optim.SGD(params, lr=0.6, momentum=0.9, weight_decay=1e-6)
    views = [torch.randn(a.batch, 1, 28, 28) for _ in range(2)]

    def step():
        online.train()
        predictor.train()
        target.train()
        with torch.no_grad():
            z1t, z2t = target(views[0]), target(views[1])
        q1 = predictor(online(views[0]))
        q2 = predictor(online(views[1]))
        loss = regression(q1, z2t) + regression(q2, z1t)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lars_step(None, opt)
        with torch.no_grad():
            for pt, po in zip(target.parameters(), online.parameters()):
                pt.mul_(0.996).add_(po, alpha=1 - 0.996)

    seconds = best_seconds(step, a.iterations)
    result = {"images_per_second": a.batch / seconds, "seconds": seconds, "batch": a.batch, "threads": a.threads}
    print(f"torch {torch.__version__}, threads {a.threads}: byol step batch {a.batch}: {seconds:.2f} s, {a.batch / seconds:.1f} img/s")
    write_result(a.out, result, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
