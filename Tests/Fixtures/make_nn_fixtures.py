#!/usr/bin/env python3
"""Generates the NN/Backbones test fixtures in Tests/Fixtures/nn with PyTorch (CPU).

Run from the repository root:  python3 Tests/Fixtures/make_nn_fixtures.py
PyTorch and safetensors are needed only to regenerate fixtures, never to build or test Retort.

Files:
  resnet18_cifar_w0125.safetensors     torchvision-named state dict of a ResNet-18, cifar stem,
                                       width 1/8 (8-16-32-64 channels), 10 classes, random weights
                                       and random BN statistics (I64 num_batches_tracked included)
  resnet18_cifar_w0125_io.safetensors  input x [2,3,16,16], probe r, eval/train logits, input and
                                       weight gradients of sum(logits*r), running stats after a
                                       training forward
  vit_tiny_p4_16_io.safetensors        vit_tiny (timm names), 16 px images, patch 4, 10 classes,
                                       weights from synth() (reproduced in Swift), same outputs
  optimizers.safetensors               5-step trajectories of SGD (momentum, Nesterov, dampening),
                                       AdamW, LARS, LAMB on fixed parameters and gradients
  dtypes.safetensors                   F16 / BF16 / I64 entries with their F32 values
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn")
torch.set_num_threads(2)


# ---------------------------------------------------------------- torchvision-style ResNet
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, c, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.downsample = None
        if stride != 1 or cin != c:
            self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        idt = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + idt)


class ResNet(nn.Module):
    def __init__(self, blocks, widths, classes, cifar=True, cin=3):
        super().__init__()
        self.cifar = cifar
        self.conv1 = nn.Conv2d(cin, widths[0], 3, 1, 1, bias=False) if cifar else nn.Conv2d(cin, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        c = widths[0]
        for i, (n, w) in enumerate(zip(blocks, widths)):
            layers = []
            for j in range(n):
                layers.append(BasicBlock(c, w, (1 if i == 0 else 2) if j == 0 else 1))
                c = w
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if not self.cifar:
            x = F.max_pool2d(x, 3, 2, 1)
        for i in range(4):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(x.mean(dim=(2, 3)))


# ---------------------------------------------------------------- timm-style ViT
class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        a = a.softmax(dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.fc1 = nn.Linear(d, h)
        self.fc2 = nn.Linear(h, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-6)
        self.attn = Attention(d, heads)
        self.norm2 = nn.LayerNorm(d, eps=1e-6)
        self.mlp = Mlp(d, 4 * d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, p, cin, d):
        super().__init__()
        self.proj = nn.Conv2d(cin, d, p, p)


class ViT(nn.Module):
    def __init__(self, img, p, d, depth, heads, classes):
        super().__init__()
        n = (img // p) ** 2
        self.patch_embed = PatchEmbed(p, 3, d)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, d))
        self.blocks = nn.Sequential(*[Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def synth(name, shape, scale):
    """Deterministic weights, reproduced in Swift: scale * sin(0.618034 (j+1) + 0.001 Σ bytes(name))."""
    c = 0.001 * sum(name.encode())
    n = math.prod(shape)
    v = [scale * math.sin(0.618034 * (j + 1) + c) for j in range(n)]
    return torch.tensor(v, dtype=torch.float64).to(torch.float32).reshape(shape)


def synth_scale(name):
    if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name == "norm.weight":
        return None  # 1 + small
    if "pos_embed" in name or "cls_token" in name:
        return 0.1
    if name.endswith(".bias"):
        return 0.02
    return 0.05


def probe_outputs(model, x, r, prefix, out, grads_of):
    model.eval()
    xe = x.clone().requires_grad_(True)
    y = model(xe)
    (y * r).sum().backward()
    out[f"{prefix}eval_logits"] = y.detach().clone()
    out[f"{prefix}eval_input_grad"] = xe.grad.detach().clone()
    model.zero_grad()
    model.train()
    xt = x.clone().requires_grad_(True)
    y = model(xt)
    (y * r).sum().backward()
    out[f"{prefix}train_logits"] = y.detach().clone()
    out[f"{prefix}train_input_grad"] = xt.grad.detach().clone()
    params = dict(model.named_parameters())
    for name in grads_of:
        out[f"{prefix}train_grad.{name}"] = params[name].grad.detach().clone()


def make_resnet():
    torch.manual_seed(0)
    model = ResNet([2, 2, 2, 2], [8, 16, 32, 64], 10, cifar=True)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(3)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(OUT, "resnet18_cifar_w0125.safetensors"))
    x = torch.randn(2, 3, 16, 16)
    y = model.eval()(x)
    r = torch.randn(*y.shape)
    out = {"x": x, "r": r}
    probe_outputs(model, x, r, "", out, ["conv1.weight", "layer3.0.downsample.0.weight", "fc.weight"])
    sd = model.state_dict()
    for k in ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var"]:
        out[f"after_train.{k}"] = sd[k].clone()
    save_file(out, os.path.join(OUT, "resnet18_cifar_w0125_io.safetensors"))


def make_vit():
    model = ViT(16, 4, 192, 12, 3, 10)
    with torch.no_grad():
        for name, p in model.named_parameters():
            s = synth_scale(name)
            if s is None:
                p.copy_(1 + synth(name, tuple(p.shape), 0.1))
            else:
                p.copy_(synth(name, tuple(p.shape), s))
    torch.manual_seed(1)
    x = torch.randn(2, 3, 16, 16)
    r = torch.randn(2, 10)
    out = {"x": x, "r": r}
    probe_outputs(model, x, r, "", out, ["patch_embed.proj.weight", "cls_token", "blocks.11.attn.qkv.weight"])
    save_file(out, os.path.join(OUT, "vit_tiny_p4_16_io.safetensors"))


# ---------------------------------------------------------------- optimizers
def lars_step(params, grads, state, lr, momentum, wd, eta, excluded):
    """Barlow Twins / common LARS: adapted params get g + wd p scaled by eta ||p|| / ||g + wd p||."""
    for name, p in params.items():
        dp = grads[name].clone()
        if name not in excluded:
            dp = dp.add(p, alpha=wd)
            pn, un = torch.norm(p), torch.norm(dp)
            q = torch.where(pn > 0, torch.where(un > 0, eta * pn / un, torch.ones_like(pn)), torch.ones_like(pn))
            dp = dp.mul(q)
        mu = state.setdefault(name, torch.zeros_like(p))
        mu.mul_(momentum).add_(dp)
        p.add_(mu, alpha=-lr)


def lamb_step(params, grads, state, t, lr, b1, b2, eps, wd, excluded):
    """LAMB (You et al. 2020, Algorithm 2 with bias correction)."""
    for name, p in params.items():
        g = grads[name]
        m, v = state.setdefault(name, (torch.zeros_like(p), torch.zeros_like(p)))
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        adapt = name not in excluded
        r = (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + eps)
        if adapt:
            r = r + wd * p
        wn, rn = torch.norm(p), torch.norm(r)
        trust = (wn / rn).item() if adapt and wn > 0 and rn > 0 else 1.0
        p.add_(r, alpha=-lr * trust)


def make_optimizers():
    torch.manual_seed(2)
    init = {"weight": torch.randn(4, 3), "bias": torch.randn(4) * 0.1, "norm_scale": 1 + 0.1 * torch.randn(4)}
    grads = [{k: torch.randn_like(v) for k, v in init.items()} for _ in range(5)]
    out = {f"init.{k}": v for k, v in init.items()}
    for s, g in enumerate(grads):
        for k, v in g.items():
            out[f"grad{s}.{k}"] = v
    excluded = {"bias", "norm_scale"}

    def run_torch(name, make):
        params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
        opt = make(list(params.values()))
        for g in grads:
            for k, p in params.items():
                p.grad = g[k].clone()
            opt.step()
        for k, p in params.items():
            out[f"{name}.{k}"] = p.detach().clone()

    run_torch("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-2))
    run_torch("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2))
    run_torch("sgd_dampening", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3))
    run_torch("sgd_plain", lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=1e-3))
    run_torch("adamw", lambda ps: torch.optim.AdamW(ps, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05))

    with torch.no_grad():
        params = {k: v.clone() for k, v in init.items()}
        state = {}
        for g in grads:
            lars_step(params, g, state, lr=0.5, momentum=0.9, wd=1e-2, eta=0.02, excluded=excluded)
        for k, p in params.items():
            out[f"lars.{k}"] = p.clone()
        params = {k: v.clone() for k, v in init.items()}
        state = {}
        for t, g in enumerate(grads, start=1):
            lamb_step(params, g, state, t, lr=1e-2, b1=0.9, b2=0.999, eps=1e-6, wd=0.01, excluded=excluded)
        for k, p in params.items():
            out[f"lamb.{k}"] = p.clone()
    save_file(out, os.path.join(OUT, "optimizers.safetensors"))


def make_dtypes():
    v = torch.tensor([0.0, 1.0, -2.5, 65504.0, 6.1035e-05, 5.96e-08, -0.33325, 3.140625])
    h = v.to(torch.float16)
    b = v.to(torch.bfloat16)
    save_file({
        "half": h.reshape(2, 4), "half_as_f32": h.to(torch.float32).reshape(2, 4),
        "bf16": b, "bf16_as_f32": b.to(torch.float32),
        "counter": torch.tensor(123456789012, dtype=torch.int64),
    }, os.path.join(OUT, "dtypes.safetensors"), metadata={"note": "dtype fixture"})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_resnet()
    make_vit()
    make_optimizers()
    make_dtypes()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total / 1e6:.2f} MB")
