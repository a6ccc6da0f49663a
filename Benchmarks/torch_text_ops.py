"""A transformer step taken apart, in PyTorch: the twin of `retort-bench text-ops`.

Each op of one block alone, forward and forward + backward (the gradient of sum(y * dy) for a fixed dy with
respect to every input), best of --iterations after a warm-up, in milliseconds: the CLIP recipe's text tower
(width 128, 4 heads, MLP 512, context 32 with the causal mask, batch 256: 8192 token rows), or with --vit vit_tiny
p4 at 32 px (width 192, 3 heads, MLP 768, 65 tokens, no mask, batch 128). Attention is
F.scaled_dot_product_attention on [B, H, T, hd] views of one packed qkv tensor (what nn.MultiheadAttention and
timm's Attention run). Writes .build/torch_text_ops.json (torch_vit_ops.json with --vit; {"ops": {name:
{"forward_ms", "both_ms"}}}), which retort-bench reads for ratios.

Usage: python3 Benchmarks/torch_text_ops.py [--vit] [--threads 2] [--iterations 10]
"""
from torch_blocks import F, best_seconds, step_arguments, torch, write_result  # torch, or a clean exit without it


def main():
    a = step_arguments("text_ops", 256, lambda ap: ap.add_argument("--vit", action="store_true"))
    if a.vit:
        a.batch, width, heads, context, causal = 128, 192, 3, 65, None
        a.out = a.out.replace("torch_text_ops", "torch_vit_ops")
    else:
        width, heads, context = 128, 4, 32
        causal = torch.full((context, context), float("-inf")).triu_(1)
    rows = a.batch * context

    def attention(qkv):
        b = qkv.shape[0]
        q, k, v = qkv.view(b, context, 3, heads, width // heads).permute(2, 0, 3, 1, 4)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=causal).transpose(1, 2).reshape(b, context, width)

    ops = [
        ("linear qkv", [torch.randn(rows, width), torch.randn(3 * width, width) * 0.1, torch.randn(3 * width)], F.linear),
        ("linear mlp out", [torch.randn(rows, 4 * width), torch.randn(width, 4 * width) * 0.05, torch.randn(width)], F.linear),
        ("attention", [torch.randn(rows // context, context, 3 * width)], attention),
        ("gelu", [torch.randn(rows, 4 * width)], F.gelu),
        ("layer norm", [torch.randn(rows, width), torch.randn(width), torch.randn(width)],
         lambda x, w, b: F.layer_norm(x, (width,), w, b)),
    ]
    result = {"threads": a.threads, "batch": a.batch, "ops": {}}
    print(f"torch {torch.__version__}, threads {a.threads}, best of {a.iterations} after one warm-up")
    for name, inputs, f in ops:
        with torch.no_grad():
            forward = best_seconds(lambda: f(*inputs), a.iterations)
        leaves = [x.clone().requires_grad_() for x in inputs]
        dy = torch.randn_like(f(*inputs))

        def both():
            y = f(*leaves)
            torch.autograd.grad(y, leaves, dy)

        seconds = best_seconds(both, a.iterations)
        result["ops"][name] = {"forward_ms": forward * 1e3, "both_ms": seconds * 1e3}
        print(f"{name}: forward {forward * 1e3:.2f} ms, forward + backward {seconds * 1e3:.2f} ms")
    write_result(a.out, result, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
