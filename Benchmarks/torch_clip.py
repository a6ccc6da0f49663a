#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench clip` (the CLIP step): the same workload as CLIPBench.swift,
one CLIP training step after open_clip (model.py `CLIP`, transformer.py `TextTransformer`, loss.py
`ClipLoss`, legacy_train.py's clamp) on one process: batch 256 of 1 x 28 x 28 images through a
ResNet-18 cifar stem at width 0.5 (no classifier, global average pool) and a linear projection to 128
(no bias); captions of 12 word tokens (start + words + end, padded to 32) through a causal
pre-norm transformer (width 128, 4 layers, 4 heads, MLP 4x GELU, LayerNorm eps 1e-5), pooled at
the end token, projected to 128; logits exp(s) * normalised image @ normalised text^T, symmetric
cross-entropy; AdamW (lr 1e-3, betas 0.9/0.98, eps 1e-6, wd 0.2, none on biases, norms and the
log-scale); the log-scale clamped to [0, ln 100] after the step. Best of N after one warm-up.
Then the text tower's step alone (`text tower step`, as retort-bench clip's): a fresh tower, loss the mean
squared projected feature, the same AdamW.

Usage: python3 Benchmarks/torch_clip.py [--threads 2] [--iterations 3] [--batch 256] [--out .build/torch_clip.json] [--quick]
Writes {"images_per_second": ..., "seconds": ..., "batch": ..., "captions_per_second": ...} (read by retort-bench clip).
"""
import math

from torch_blocks import CifarResNet18, F, best_seconds, nn, step_arguments, torch, write_result  # torch, or a clean exit without it


class ImageTower(nn.Module):
    def __init__(self, width=0.5, embed=128):
        super().__init__()
        self.trunk = CifarResNet18(width)
        self.proj = nn.Linear(self.trunk.channels, embed, bias=False)

    def forward(self, x):
        return self.proj(self.trunk.features(x))


class ResidualAttentionBlock(nn.Module):
    """open_clip transformer.py ResidualAttentionBlock (pre-norm, causal mask)."""

    def __init__(self, width, heads):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x, mask):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class TextTower(nn.Module):
    def __init__(self, vocab=140, context=32, width=128, layers=4, heads=4, embed=128):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.blocks = nn.ModuleList([ResidualAttentionBlock(width, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed) * width ** -0.5)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu_(1))

    def forward(self, ids, end_id=2):
        x = self.token_embedding(ids) + self.positional_embedding
        for b in self.blocks:
            x = b(x, self.mask)
        x = self.ln_final(x)
        pooled = x[torch.arange(x.shape[0]), (ids == end_id).int().argmax(dim=-1)]
        return pooled @ self.text_projection


def adamw(params, extra_no_decay=()):
    """AdamW (lr 1e-3, betas 0.9/0.98, eps 1e-6, wd 0.2), no decay on biases, norms and `extra_no_decay`."""
    decay = [p for n, p in params if p.ndim >= 2 and "bn" not in n and "ln" not in n]
    no_decay = [p for n, p in params if not (p.ndim >= 2 and "bn" not in n and "ln" not in n)] + list(extra_no_decay)
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.2}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=1e-3, betas=(0.9, 0.98), eps=1e-6)


def main():
    a = step_arguments("clip", batch=256, extra=lambda ap: ap.add_argument("--quick", action="store_true", help="batch 32 (as retort-bench clip --quick)"))
    if a.quick:
        a.batch = 32
    image, text = ImageTower(), TextTower()
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    opt = adamw(list(image.named_parameters()) + list(text.named_parameters()), extra_no_decay=[logit_scale])
    images = torch.randn(a.batch, 1, 28, 28)
    ids = torch.zeros(a.batch, 32, dtype=torch.long)
    ids[:, 0] = 1
    ids[:, 1:13] = torch.randint(5, 140, (a.batch, 12))
    ids[:, 13] = 2
    labels = torch.arange(a.batch)

    def step():
        image.train()
        text.train()
        zi = F.normalize(image(images), dim=-1)
        zt = F.normalize(text(ids), dim=-1)
        logits_per_image = logit_scale.exp() * zi @ zt.T
        loss = (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_image.T, labels)) / 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            logit_scale.clamp_(0, math.log(100))

    seconds = best_seconds(step, a.iterations)
    print(f"torch {torch.__version__}, threads {a.threads}: clip step batch {a.batch}: {seconds:.3f} s, {a.batch / seconds:.1f} img/s")

    tower = TextTower()
    text_opt = adamw(list(tower.named_parameters()))

    def text_step():
        tower.train()
        loss = tower(ids).square().mean()
        text_opt.zero_grad(set_to_none=True)
        loss.backward()
        text_opt.step()

    text_seconds = best_seconds(text_step, a.iterations)
    print(f"text tower step batch {a.batch}: {text_seconds:.3f} s, {a.batch / text_seconds:.1f} captions/s")
    result = {"images_per_second": a.batch / seconds, "seconds": seconds, "batch": a.batch, "threads": a.threads,
              "captions_per_second": a.batch / text_seconds, "text_seconds": text_seconds}
    write_result(a.out, result, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
