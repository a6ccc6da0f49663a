import Support

/// Matrix products (`Backend.matmul`: on the CPU one `cblas_sgemm` per matrix, transposes as BLAS flags).
extension Tensor {
    /// `op(a) · op(b)`: `[..., M, K] x [..., K, N] -> [..., M, N]`, where op transposes the last two
    /// dims when asked. Leading (batch) dims must match, or `b` may be rank 2 (shared by all).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        require(a.rank >= 2 && b.rank >= 2, "matmul: operands must have rank >= 2, got \(a.shape) and \(b.shape)")
        let (m, ka) = transposeA ? (a.shape[-1], a.shape[-2]) : (a.shape[-2], a.shape[-1])
        let (kb, n) = transposeB ? (b.shape[-1], b.shape[-2]) : (b.shape[-2], b.shape[-1])
        let batchA = Array(a.shape.dims.dropLast(2))
        let batchB = Array(b.shape.dims.dropLast(2))
        require(ka == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
        require(batchB.isEmpty || batchA == batchB, "matmul: batch dimensions differ: \(a.shape) x \(b.shape)")
        let batch = batchA.reduce(1, *)
        let k = ka
        let out = backend.matmul(
            a, b, transposeA: transposeA, transposeB: transposeB, batch: batch, m: m, n: n, k: k, sharedB: batchB.isEmpty,
            shape: Shape(batchA + [m, n]))
        let ad = a.detached
        let bd = b.detached
        return traced(out, inputs: [a, b]) { g in
            // dA = g · op(B)ᵀ (transposed back if A was), dB = op(A)ᵀ · g (likewise).
            let ga =
                transposeA
                ? matmul(g, bd, transposeA: false, transposeB: !transposeB).transposed()
                : matmul(g, bd, transposeA: false, transposeB: !transposeB)
            var gb =
                transposeB
                ? matmul(g, ad, transposeA: true, transposeB: transposeA)
                : matmul(ad, g, transposeA: !transposeA, transposeB: false)
            if batchB.isEmpty && !batchA.isEmpty { gb = gb.sum(alongAxes: Array(0..<batchA.count)) }
            return [ga, gb]
        }
    }

    /// `self · other` (see `matmul`).
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }

    /// A fully connected layer's product, `x · weightᵀ + bias`: `x` `[rows, in]`, `weight` `[out, in]`, `bias`
    /// `[out]` → `[rows, out]` (PyTorch's `F.linear`). One pass: the output starts as the bias rows and the GEMM adds
    /// into it (no zeroing pass, no broadcast-add pass). Gradients: `dx = g·W`, `dW = gᵀ·x`, `db = Σ_rows g`.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        require(
            x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
            "linear: input \(x.shape) must be [rows, in] and weight \(weight.shape) [out, in] with the same in")
        if let bias { require(bias.shape == [weight.shape[0]], "linear: bias \(bias.shape) must be [\(weight.shape[0])]") }
        let out = backend.linear(x.detached, weight: weight.detached, bias: bias?.detached)
        let (xd, wd) = (x.detached, weight.detached)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return traced(out, inputs: inputs) { g in
            let gx = matmul(g, wd)
            let gw = matmul(g, xd, transposeA: true)
            return bias == nil ? [gx, gw] : [gx, gw, g.sum(alongAxes: [0])]
        }
    }
}
