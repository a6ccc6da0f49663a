import Foundation
import Support
import TensorCore

/// `retort-bench text-ops`: a transformer step taken apart (never timed in tests). Each op of one block alone,
/// forward and forward + backward (the gradient of `sum(y · dy)` for a fixed `dy`, with respect to every input),
/// in milliseconds: the CLIP recipe's text tower (width 128, 4 heads, MLP 512, context 32 with the causal mask,
/// batch 256: 8192 token rows), or with `--vit` vit_tiny p4 at 32 px (width 192, 3 heads, MLP 768, 65 tokens, no
/// mask, batch 128: 8320 rows). `Benchmarks/torch_text_ops.py [--vit]` times the same ops in PyTorch (`F.linear`,
/// `F.scaled_dot_product_attention`, `F.gelu`, `F.layer_norm`) and writes `.build/torch_text_ops.json`
/// (`torch_vit_ops.json`), which this reads for a ratio per row (PyTorch ms / Retort ms).
///
/// Options: `--threads N` (2), `--iterations N` (10 timed after one warm-up; the best counts), `--vit`,
/// `--torch-json PATH`.
enum TextOpsBench {
    /// One row: an op's name and its forward on traced inputs.
    struct Op {
        let name: String
        let inputs: [Tensor]
        let forward: ([Tensor]) -> Tensor
    }

    static func run(_ args: [String]) throws {
        let threads = Int(ZooBench.value(of: "--threads", in: args) ?? "2") ?? 2
        let iterations = Int(ZooBench.value(of: "--iterations", in: args) ?? "10") ?? 10
        Threading.setCount(threads)
        let vit = args.contains("--vit")
        let (batch, width, heads, context) = vit ? (128, 192, 3, 65) : (256, 128, 4, 32)
        let rows = batch * context
        var rng = Philox(seed: 3)
        func random(_ shape: [Int], scale: Float = 1) -> Tensor {
            Tensor(shape: Shape(shape), scalars: (0..<shape.reduce(1, *)).map { _ in scale * rng.nextNormal() })
        }
        let causal: Tensor? =
            vit ? nil : Tensor(shape: [1, 1, context, context], scalars: (0..<(context * context)).map { i in i % context > i / context ? -1e9 : 0 })
        let ops = [
            Op(name: "linear qkv", inputs: [random([rows, width]), random([3 * width, width], scale: 0.1), random([3 * width])]) {
                Tensor.linear($0[0], weight: $0[1], bias: $0[2])
            },
            Op(name: "linear mlp out", inputs: [random([rows, 4 * width]), random([width, 4 * width], scale: 0.05), random([width])]) {
                Tensor.linear($0[0], weight: $0[1], bias: $0[2])
            },
            Op(name: "attention", inputs: [random([batch, context, 3 * width])]) { $0[0].attention(heads: heads, bias: causal) },
            Op(name: "gelu", inputs: [random([rows, 4 * width])]) { $0[0].gelu() },
            Op(name: "layer norm", inputs: [random([rows, width]), random([width]), random([width])]) {
                $0[0].layerNorm(scale: $0[1], shift: $0[2])
            },
        ]
        let torch = TorchBaseline.rows(at: ZooBench.value(of: "--torch-json", in: args) ?? ".build/torch_\(vit ? "vit" : "text")_ops.json")
        print("\(vit ? "vit_tiny p4 32 px" : "text tower") block, rows \(rows), width \(width), heads \(heads), tokens \(context)")
        print("threads \(threads), best of \(iterations) after one warm-up; ms (PyTorch ms / Retort ms)")
        print("| op | forward ms | ratio | forward + backward ms | ratio |")
        print("| --- | --- | --- | --- | --- |")
        for op in ops {
            let dy = random(op.forward(op.inputs).shape.dims)
            let forward = ZooBench.best(iterations: iterations) { _ = op.forward(op.inputs) }
            let both = ZooBench.best(iterations: iterations) {
                let tape = Tape()
                let x = op.inputs.map { tape.watch($0) }
                _ = tape.gradients(of: op.forward(x), wrt: x, seed: dy)
            }
            let base = torch[op.name]
            func ratio(_ ms: Double, _ key: String) -> String { base?[key].map { String(format: "%.2f", $0 / ms) } ?? "-" }
            print(
                String(
                    format: "| %@ | %.2f | %@ | %.2f | %@ |", op.name, forward * 1e3, ratio(forward * 1e3, "forward_ms"), both * 1e3,
                    ratio(both * 1e3, "both_ms")))
        }
        if torch.isEmpty { print("(no PyTorch baseline: python3 Benchmarks/torch_text_ops.py\(vit ? " --vit" : ""))") }
    }
}
