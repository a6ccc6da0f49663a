import Kernels
import Support

/// Multi-head attention on the CPU: per (image, head), small strided products (`SmallGEMM`) on the packed `qkv`
/// rows (row stride 3·D), the scores and weights in a `[T, T]` scratch (softmax rows and their gradient:
/// `SoftmaxRows`), the output written in place; (image, head) pairs run in parallel.
extension CPUBackend {
    /// `Tensor.attention`: S = Q Kᵀ/√hd (+ bias), P = softmax(S) by rows, O = P V.
    public func attention(_ qkv: Tensor, heads: Int, bias: Tensor?, keepWeights: Bool) -> (output: Tensor, weights: Tensor?) {
        let (b, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let hd = d / heads
        let scale = 1 / Float(hd).squareRoot()
        var weights: Tensor? = keepWeights ? Tensor(shape: [b, heads, t, t]) { _ in } : nil
        let output = qkv.withUnsafeBufferPointer { pq in
            withOptionalPointer(bias) { pb in
                withOptionalMutablePointer(&weights) { pw in
                    Tensor(shape: [b, t, d]) { po in
                        let (q, o) = (SendablePointer(pq.baseAddress!), SendablePointer(po.baseAddress!))
                        let (bp, wp) = (pb.map { SendablePointer($0) }, pw.map { SendablePointer($0) })
                        let biasRows = bias?.shape[0] ?? 0
                        Self.forEachHead(b * heads, scratch: t * t + Self.productScratch(t: t, hd: hd)) { pair, scratch in
                            let (n, h) = (pair / heads, pair % heads)
                            let rows = q.base + n * t * 3 * d + h * hd
                            let p = wp.map { $0.base + pair * t * t } ?? scratch
                            let copies = scratch + t * t
                            SmallGEMM.multiply(
                                transposeA: false, transposeB: true, m: t, n: t, k: hd, alpha: scale, a: rows, lda: 3 * d, b: rows + d,
                                ldb: 3 * d, c: p, ldc: t, scratch: copies)
                            if let bp { Elementwise.apply(.add, p, bp.base + (biasRows == 1 ? 0 : n) * t * t, p, count: t * t) }
                            SoftmaxRows.apply(p, rows: t, length: t)
                            SmallGEMM.multiply(
                                transposeA: false, transposeB: false, m: t, n: hd, k: t, a: p, lda: t, b: rows + 2 * d, ldb: 3 * d,
                                c: o.base + n * t * d + h * hd, ldc: d, scratch: copies)
                        }
                    }
                }
            }
        }
        return (output, weights)
    }

    /// `Tensor.attention`'s gradient: dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = dS K/√hd,
    /// dK = dSᵀ Q/√hd, each written into its slot of the packed `[B, T, 3·D]` gradient.
    public func attentionGradient(_ gradOutput: Tensor, qkv: Tensor, weights: Tensor, heads: Int) -> Tensor {
        let (b, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let hd = d / heads
        let scale = 1 / Float(hd).squareRoot()
        return qkv.withUnsafeBufferPointer { pq in
            gradOutput.withUnsafeBufferPointer { pg in
                weights.withUnsafeBufferPointer { pw in
                    Tensor(shape: qkv.shape) { pd in
                        let (q, g, w, dq) = (
                            SendablePointer(pq.baseAddress!), SendablePointer(pg.baseAddress!), SendablePointer(pw.baseAddress!),
                            SendablePointer(pd.baseAddress!)
                        )
                        Self.forEachHead(b * heads, scratch: t * t + Self.productScratch(t: t, hd: hd)) { pair, ds in
                            let (n, h) = (pair / heads, pair % heads)
                            let rows = q.base + n * t * 3 * d + h * hd
                            let grads = dq.base + n * t * 3 * d + h * hd
                            let dO = g.base + n * t * d + h * hd
                            let p = w.base + pair * t * t
                            let copies = ds + t * t
                            SmallGEMM.multiply(
                                transposeA: true, transposeB: false, m: t, n: hd, k: t, a: p, lda: t, b: dO, ldb: d, c: grads + 2 * d,
                                ldc: 3 * d, scratch: copies)
                            SmallGEMM.multiply(
                                transposeA: false, transposeB: true, m: t, n: t, k: hd, a: dO, lda: d, b: rows + 2 * d, ldb: 3 * d, c: ds,
                                ldc: t, scratch: copies)
                            SoftmaxRows.gradient(p, ds, rows: t, length: t)
                            SmallGEMM.multiply(
                                transposeA: false, transposeB: false, m: t, n: hd, k: t, alpha: scale, a: ds, lda: t, b: rows + d,
                                ldb: 3 * d, c: grads, ldc: 3 * d, scratch: copies)
                            SmallGEMM.multiply(
                                transposeA: true, transposeB: false, m: t, n: hd, k: t, alpha: scale, a: ds, lda: t, b: rows, ldb: 3 * d,
                                c: grads + d, ldc: 3 * d, scratch: copies)
                        }
                    }
                }
            }
        }
    }

    /// Floats `SmallGEMM` needs for the copies of op(B) in a head's four product shapes (`[hd, T]` and `[T, hd]`).
    static func productScratch(t: Int, hd: Int) -> Int {
        Swift.max(SmallGEMM.scratchCount(transposeB: true, n: t, k: hd), SmallGEMM.scratchCount(transposeB: false, n: hd, k: t))
    }

    /// Runs `body(pair, scratch)` for pairs `0..<count` split over threads, a `[scratch]` buffer per task.
    static func forEachHead(_ count: Int, scratch: Int, _ body: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) {
        parallelFor(count) { range in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, scratch))
            defer { buffer.deallocate() }
            for pair in range { body(pair, buffer) }
        }
    }
}
