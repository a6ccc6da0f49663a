import Foundation
import Support
import TensorCore

/// Exact t-SNE (van der Maaten & Hinton 2008) of `[N, D]` points into 2-D, for maps of a few thousand
/// embeddings. Affinities: Gaussian conditionals `p_j|i ∝ exp(−β_i ‖x_i − x_j‖²)` with β_i found by
/// bisection so that each row's perplexity `2^H(P_i)` equals `perplexity`, symmetrised
/// `p_ij = (p_j|i + p_i|j) / 2N`. Low-dimensional similarities `q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹`;
/// gradient `4 Σ_j (α p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)` with early exaggeration α = 12
/// for the first 250 iterations, momentum 0.5 then 0.8, per-coordinate gains (+0.2 / ×0.8, at least
/// 0.01) and learning rate max(N/12, 50) (openTSNE / sklearn "auto"); start from N(0, (10⁻⁴)²) drawn
/// from a seeded Philox stream, so a map is reproducible. Cost O(N²) per iteration (one pass over
/// all pairs, rows in parallel, eight pairs per SIMD step); pairwise distances come from one GEMM.
public struct TSNE: Sendable {
    /// The target perplexity (effective number of neighbours), 5-50 typically.
    public var perplexity: Double = 30
    /// Gradient-descent iterations.
    public var iterations: Int = 1000
    /// Iterations with early exaggeration.
    public var exaggerationIterations: Int = 250
    /// The early exaggeration factor α.
    public var exaggeration: Float = 12
    /// Seed of the initial layout.
    public var seed: UInt64 = 0

    /// Default settings.
    public init() {}

    /// The symmetric affinities `P` `[N * N]` (row-major, zero diagonal) of `x` `[N, D]`.
    public func affinities(_ x: Tensor) -> [Float] {
        let n = x.shape[0]
        let gram = Tensor.matmul(x, x, transposeB: true)
        let target = Foundation.log(min(perplexity, Double(n - 1)))  // entropy in nats
        var p = Tensor.backend.tsneConditionals(gram: gram, targetEntropy: target)
        // Symmetrise: p_ij = (p_j|i + p_i|j) / 2N, floored at 1e-12 as in the reference implementation.
        let scale = Float(1) / Float(2 * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let v = max((p[i * n + j] + p[j * n + i]) * scale, 1e-12)
                p[i * n + j] = v
                p[j * n + i] = v
            }
        }
        return p
    }

    /// The 2-D map `[N, 2]` of `x` `[N, D]` (N ≥ 2).
    public func embed(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        precondition(n >= 2, "TSNE: at least 2 points, got \(n)")
        let p = affinities(x)
        var rng = Philox(seed: seed, keys: [0x7473_6e65])  // "tsne"
        var yx = (0..<n).map { _ in rng.nextNormal() * 1e-4 }
        var yy = (0..<n).map { _ in rng.nextNormal() * 1e-4 }
        var ux = [Float](repeating: 0, count: n)
        var uy = ux
        var gx = [Float](repeating: 1, count: n)
        var gy = gx
        let rate = max(Float(n) / 12, 50)
        for it in 0..<iterations {
            let alpha: Float = it < exaggerationIterations ? exaggeration : 1
            let momentum: Float = it < exaggerationIterations ? 0.5 : 0.8
            let (attraction, repulsion, zRows) = Tensor.backend.tsneForces(p: p, x: yx, y: yy)
            let z = Float(zRows.reduce(0, +))
            for i in 0..<n {
                let dx = 4 * (alpha * attraction[2 * i] - repulsion[2 * i] / z)
                let dy = 4 * (alpha * attraction[2 * i + 1] - repulsion[2 * i + 1] / z)
                gx[i] = (dx > 0) != (ux[i] > 0) ? gx[i] + 0.2 : max(gx[i] * 0.8, 0.01)
                gy[i] = (dy > 0) != (uy[i] > 0) ? gy[i] + 0.2 : max(gy[i] * 0.8, 0.01)
                ux[i] = momentum * ux[i] - rate * gx[i] * dx
                uy[i] = momentum * uy[i] - rate * gy[i] * dy
                yx[i] += ux[i]
                yy[i] += uy[i]
            }
            let mx = yx.reduce(0, +) / Float(n)
            let my = yy.reduce(0, +) / Float(n)
            for i in 0..<n {
                yx[i] -= mx
                yy[i] -= my
            }
        }
        return Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [yx[$0], yy[$0]] })
    }
}
