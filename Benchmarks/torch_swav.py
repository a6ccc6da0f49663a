#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench ssl` (the SwAV step): the same workload as SSLBench.swift,
one SwAV training step after facebookresearch/swav main_swav.py on one process:
2 x 28 px + 4 x 16 px crops of 1 channel, batch 256, ResNet-18 cifar stem at width 0.5 (no classifier),
each resolution group forwarded together, head Linear(256, 2048)-BN-ReLU-Linear(2048, 128), L2
normalisation, 300 prototypes (no bias, normalised before the step), Sinkhorn (eps 0.05, 3
iterations) on crops 0 and 1, swapped prediction at T 0.1, backward, SGD(momentum 0.9, wd 1e-6)
wrapped in LARC-style adaptive scaling (trust 0.001, no clipping). Best of N after one warm-up.

Usage: python3 Benchmarks/torch_swav.py [--threads 2] [--iterations 3] [--batch 256] [--out .build/torch_swav.json]
Writes {"images_per_second": ..., "seconds": ..., "batch": ...} (read by retort-bench ssl).
"""

from torch_blocks import CifarResNet18, F, best_seconds, nn, step_arguments, torch, write_result  # torch, or a clean exit without it


class SwAVNet(nn.Module):
    """ResNet-18, cifar stem (3x3 stride 1, no max-pool), width 0.5, 1 input channel; SwAV head and prototypes."""

    def __init__(self, width=0.5, hidden=2048, dim=128, prototypes=300):
        super().__init__()
        self.trunk = CifarResNet18(width)
        self.projection_head = nn.Sequential(nn.Linear(self.trunk.channels, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, dim))
        self.prototypes = nn.Linear(dim, prototypes, bias=False)

    def forward_backbone(self, x):
        return self.trunk.features(x)

    def forward(self, inputs):
        # src/resnet50.py: one backbone pass per run of equal crop sizes, then the head on all.
        sizes = torch.tensor([x.shape[-1] for x in inputs])
        idx = torch.cumsum(torch.unique_consecutive(sizes, return_counts=True)[1], 0)
        start, outputs = 0, []
        for end in idx.tolist():
            outputs.append(self.forward_backbone(torch.cat(inputs[start:end])))
            start = end
        z = F.normalize(self.projection_head(torch.cat(outputs)), dim=1, p=2)
        return z, self.prototypes(z)


@torch.no_grad()
def sinkhorn(out, epsilon=0.05, iterations=3):
    q = torch.exp(out / epsilon).t()
    b, k = q.shape[1], q.shape[0]
    q /= torch.sum(q)
    for _ in range(iterations):
        q /= torch.sum(q, dim=1, keepdim=True)
        q /= k
        q /= torch.sum(q, dim=0, keepdim=True)
        q /= b
    return (q * b).t()


def lars_step(model, opt, trust=0.001, eps=1e-8):
    """apex LARC (clip=False) in front of SGD: grad += wd * p, grad *= trust * |p| / (|g| + wd |p| + eps)."""
    for group in opt.param_groups:
        wd = group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            pn, gn = torch.norm(p.data), torch.norm(p.grad.data)
            if pn != 0 and gn != 0:
                scale = trust * pn / (gn + pn * wd + eps)
                p.grad.data += wd * p.data
                p.grad.data *= scale
    saved = [g["weight_decay"] for g in opt.param_groups]
    for g in opt.param_groups:
        g["weight_decay"] = 0
    opt.step()
    for g, w in zip(opt.param_groups, saved):
        g["weight_decay"] = w


def main():
    a = step_arguments("swav", batch=256)
    model = SwAVNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.6, momentum=0.9, weight_decay=1e-6)
    sizes = [28, 28, 16, 16, 16, 16]
    inputs = [torch.randn(a.batch, 1, s, s) for s in sizes]
    bs, views, assign = a.batch, len(sizes), [0, 1]

    def step():
        model.train()
        with torch.no_grad():
            model.prototypes.weight.copy_(F.normalize(model.prototypes.weight.data.clone(), dim=1, p=2))
        _, output = model(inputs)
        loss = 0
        for crop_id in assign:
            with torch.no_grad():
                q = sinkhorn(output[bs * crop_id: bs * (crop_id + 1)].detach())[-bs:]
            subloss = 0
            for v in [v for v in range(views) if v != crop_id]:
                subloss -= torch.mean(torch.sum(q * F.log_softmax(output[bs * v: bs * (v + 1)] / 0.1, dim=1), dim=1))
            loss += subloss / (views - 1)
        loss /= len(assign)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        lars_step(model, opt)

    seconds = best_seconds(step, a.iterations)
    result = {"images_per_second": a.batch / seconds, "seconds": seconds, "batch": a.batch, "threads": a.threads}
    print(f"torch {torch.__version__}, threads {a.threads}: swav step batch {a.batch}: {seconds:.2f} s, {a.batch / seconds:.1f} img/s")
    write_result(a.out, result, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
