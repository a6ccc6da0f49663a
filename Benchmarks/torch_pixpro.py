#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench pixpro`: the same workload as PixProBench.swift, one PixPro
training step after zdaxie/PixPro contrast/models/PixPro.py on one process: two 56 px views of 1
channel, ResNet-18 with the CIFAR stem (3x3 stride 1, no max-pool), full width, C5 map 7x7 (--map 7)
or 14x14 (--map 14: layer4 stride 1), MLP2d projector 512 -> hidden -> 256, featprop with a 1x1
conv value transform and gamma 2, momentum encoder + projector (EMA before the key forward, as the
reference), regression_loss at pos_ratio 0.7 over random boxes (half flipped), backward, SGD
(momentum 0.9, wd 1e-5) with LARS scaling (trust 0.001, as contrast/lars.py). Best of N after one
warm-up; float32 on the CPU (no AMP).

Usage: python3 Benchmarks/torch_pixpro.py [--map 14] [--batch 128] [--threads 2] [--iterations 2]
       [--hidden 4096] [--quick] [--out .build/torch_pixpro_<map>.json]
Writes {"images_per_second": ..., "seconds": ..., "batch": ..., "map": ..., "peak_rss_gib": ...} (read by retort-bench
pixpro); peak RSS is the process maximum (ru_maxrss), which includes importing torch.
"""
import argparse
import copy
import math

from torch_blocks import CifarResNet18, F, best_seconds, nn, torch, write_result  # torch, or a clean exit without it


def mlp2d(cin, inner, out):
    return nn.Sequential(nn.Conv2d(cin, inner, 1), nn.BatchNorm2d(inner), nn.ReLU(inplace=True), nn.Conv2d(inner, out, 1))


def featprop(feat, value_transform, gamma=2.0):
    n, c, h, w = feat.shape
    value = F.normalize(value_transform(feat), dim=1).view(n, c, -1)
    x = F.normalize(feat, dim=1).view(n, c, -1)
    attention = torch.clamp(torch.bmm(x.transpose(1, 2), x), min=0.0) ** gamma
    return torch.bmm(value, attention.transpose(1, 2)).view(n, c, h, w)


def regression_loss(q, k, coord_q, coord_k, pos_ratio=0.7):
    n, c, h, w = q.shape
    q, k = q.view(n, c, -1), k.view(n, c, -1)
    xs = torch.arange(0., float(w)).view(1, 1, -1).repeat(1, h, 1)
    ys = torch.arange(0., float(h)).view(1, -1, 1).repeat(1, 1, w)
    qbw, qbh = ((coord_q[:, 2] - coord_q[:, 0]) / w).view(-1, 1, 1), ((coord_q[:, 3] - coord_q[:, 1]) / h).view(-1, 1, 1)
    kbw, kbh = ((coord_k[:, 2] - coord_k[:, 0]) / w).view(-1, 1, 1), ((coord_k[:, 3] - coord_k[:, 1]) / h).view(-1, 1, 1)
    diag = torch.max(torch.sqrt(qbw ** 2 + qbh ** 2), torch.sqrt(kbw ** 2 + kbh ** 2))
    cqx, cqy = (xs + 0.5) * qbw + coord_q[:, 0].view(-1, 1, 1), (ys + 0.5) * qbh + coord_q[:, 1].view(-1, 1, 1)
    ckx, cky = (xs + 0.5) * kbw + coord_k[:, 0].view(-1, 1, 1), (ys + 0.5) * kbh + coord_k[:, 1].view(-1, 1, 1)
    dist = torch.sqrt((cqx.view(-1, h * w, 1) - ckx.view(-1, 1, h * w)) ** 2 + (cqy.view(-1, h * w, 1) - cky.view(-1, 1, h * w)) ** 2) / diag
    mask = (dist < pos_ratio).float().detach()
    logit = torch.bmm(q.transpose(1, 2), k)
    return -2 * ((logit * mask).sum(-1).sum(-1) / (mask.sum(-1).sum(-1) + 1e-6)).mean()


def boxes(g, batch):
    w, h = 0.45 + 0.55 * torch.rand(batch, generator=g), 0.45 + 0.55 * torch.rand(batch, generator=g)
    x0, y0 = (1 - w) * torch.rand(batch, generator=g), (1 - h) * torch.rand(batch, generator=g)
    flip = torch.rand(batch, generator=g) < 0.5
    left, right = torch.where(flip, x0 + w, x0), torch.where(flip, x0, x0 + w)
    return torch.stack([left, y0, right, y0 + h], dim=1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--map", type=int, default=14, choices=[7, 14])
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iterations", type=int, default=2)
    p.add_argument("--hidden", type=int, default=4096)
    p.add_argument("--quick", action="store_true", help="batch 16")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    batch = a.batch or (16 if a.quick else 128)
    torch.set_num_threads(a.threads)
    torch.manual_seed(13)
    # ResNet-18, cifar stem, 1 input channel, returning the C5 map (head_type='early_return').
    encoder, projector = CifarResNet18(1.0, 1 if a.map == 14 else 2), mlp2d(512, a.hidden, 256)
    value_transform = nn.Conv2d(256, 256, 1)
    encoder_k, projector_k = copy.deepcopy(encoder), copy.deepcopy(projector)
    for m in (encoder_k, projector_k):
        for q in m.parameters():
            q.requires_grad = False
    params = list(encoder.parameters()) + list(projector.parameters()) + list(value_transform.parameters())
    optimizer = torch.optim.SGD(params, lr=0.5, momentum=0.9)  # weight decay inside the LARS scaling below
    g = torch.Generator().manual_seed(1)
    im1, im2 = torch.randn(batch, 1, 56, 56, generator=g), torch.randn(batch, 1, 56, 56, generator=g)
    coord1, coord2 = boxes(g, batch), boxes(g, batch)
    state = {"k": 0}

    def step():
        pred1 = F.normalize(featprop(projector(encoder(im1)), value_transform), dim=1)
        pred2 = F.normalize(featprop(projector(encoder(im2)), value_transform), dim=1)
        with torch.no_grad():
            m = 1. - 0.01 * (math.cos(math.pi * state["k"] / 100) + 1) / 2.
            state["k"] += 1
            for src, dst in ((encoder, encoder_k), (projector, projector_k)):
                for q, k in zip(src.parameters(), dst.parameters()):
                    k.data = k.data * m + q.data * (1. - m)
            key1 = F.normalize(projector_k(encoder_k(im1)), dim=1)
            key2 = F.normalize(projector_k(encoder_k(im2)), dim=1)
        loss = regression_loss(pred1, key2, coord1, coord2) + regression_loss(pred2, key1, coord2, coord1)
        optimizer.zero_grad()
        loss.backward()
        with torch.no_grad():  # contrast/lars.py: g' = g + wd p, scaled by 0.001 ||p|| / ||g'|| (matrices only)
            for q in params:
                if q.grad is None or q.ndim <= 1:
                    continue
                q.grad.add_(q, alpha=1e-5)
                pn, gn = q.norm(), q.grad.norm()
                if pn > 0 and gn > 0:
                    q.grad.mul_(0.001 * pn / (gn + 1e-8))
        optimizer.step()

    if a.iterations == 0:  # a single step (first-call costs included), for the peak memory
        import time
        t0 = time.perf_counter()
        step()
        best = time.perf_counter() - t0
    else:
        best = best_seconds(step, a.iterations)
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux -> GiB
    result = {"images_per_second": batch / best, "seconds": best, "batch": batch, "map": a.map, "peak_rss_gib": peak}
    print(f"pytorch pixpro step 2x56 px, resnet18 cifar, {a.map}x{a.map} map, hidden {a.hidden}, batch {batch}: "
          f"{best:.2f} s, {batch / best:.1f} img/s, peak RSS {peak:.2f} GiB")
    out = a.out or f".build/torch_pixpro_{a.map}.json"
    write_result(out, result)


if __name__ == "__main__":
    main()
