"""The text tower's step taken apart, in PyTorch: the twin of `retort-bench text-ops`.

Each op of one block of the CLIP recipe's tower (width 128, 4 heads, MLP 512, context 32, batch 256: 8192 token
rows) alone, forward and forward + backward (the gradient of sum(y * dy) for a fixed dy with respect to every
input), best of --iterations after a warm-up, in milliseconds. Attention is F.scaled_dot_product_attention on
[B, H, T, hd] views of one packed qkv tensor with the causal mask (what nn.MultiheadAttention runs). Writes
.build/torch_text_ops.json ({"ops": {name: {"forward_ms", "both_ms"}}}), which retort-bench reads for ratios.

Usage: python3 Benchmarks/torch_text_ops.py [--threads 2] [--iterations 10]
"""
from torch_blocks import F, best_seconds, step_arguments, torch, write_result  # torch, or a clean exit without it


def main():
    a = step_arguments("text_ops", 256)
    a.iterations = max(a.iterations, 10) if a.iterations == 3 else a.iterations
    rows, width, heads, context = a.batch * 32, 128, 4, 32
    causal = torch.full((context, context), float("-inf")).triu_(1)

    def attention(qkv):
        b = qkv.shape[0]
        q, k, v = qkv.view(b, context, 3, heads, width // heads).permute(2, 0, 3, 1, 4)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=causal).transpose(1, 2).reshape(b, context, width)

    ops = [
        ("linear 128->384", [torch.randn(rows, width), torch.randn(3 * width, width) * 0.1, torch.randn(3 * width)], F.linear),
        ("linear 512->128", [torch.randn(rows, 4 * width), torch.randn(width, 4 * width) * 0.05, torch.randn(width)], F.linear),
        ("attention 4 heads", [torch.randn(rows // context, context, 3 * width)], attention),
        ("gelu [8192, 512]", [torch.randn(rows, 4 * width)], F.gelu),
        ("layer norm [8192, 128]", [torch.randn(rows, width), torch.randn(width), torch.randn(width)],
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
