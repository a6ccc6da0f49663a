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
        let gram = Tensor.matmul(x, x, transposeB: true).scalars
        let sq = (0..<n).map { gram[$0 * n + $0] }
        var p = [Float](repeating: 0, count: n * n)
        let target = Foundation.log(min(perplexity, Double(n - 1)))  // entropy in nats
        p.withUnsafeMutableBufferPointer { pb in
            let out = SendablePointer(pb.baseAddress!)
            gram.withUnsafeBufferPointer { gb in
                let g = SendablePointer(gb.baseAddress!)
                parallelFor(n, grain: 16) { rows in
                    var d = [Double](repeating: 0, count: n)
                    var e = [Double](repeating: 0, count: n)
                    for i in rows {
                        for j in 0..<n { d[j] = max(Double(sq[i]) + Double(sq[j]) - 2 * Double(g[i * n + j]), 0) }
                        d[i] = 0
                        let dMin = (0..<n).filter { $0 != i }.map { d[$0] }.min() ?? 0
                        var beta = 1.0
                        var lo = 0.0
                        var hi = Double.infinity
                        for _ in 0..<100 {
                            var sum = 0.0
                            var weighted = 0.0
                            for j in 0..<n where j != i {
                                e[j] = Foundation.exp(-beta * (d[j] - dMin))
                                sum += e[j]
                                weighted += e[j] * (d[j] - dMin)
                            }
                            let h = Foundation.log(sum) + beta * weighted / sum
                            if abs(h - target) < 1e-5 { break }
                            if h > target {
                                lo = beta
                                beta = hi.isInfinite ? beta * 2 : (beta + hi) / 2
                            } else {
                                hi = beta
                                beta = (beta + lo) / 2
                            }
                        }
                        var sum = 0.0
                        for j in 0..<n where j != i {
                            e[j] = Foundation.exp(-beta * (d[j] - dMin))
                            sum += e[j]
                        }
                        for j in 0..<n { out.base[i * n + j] = j == i ? 0 : Float(e[j] / sum) }
                    }
                }
            }
        }
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
        var attraction = [Float](repeating: 0, count: 2 * n)
        var repulsion = attraction
        var zRows = [Double](repeating: 0, count: n)
        let rate = max(Float(n) / 12, 50)
        for it in 0..<iterations {
            let alpha: Float = it < exaggerationIterations ? exaggeration : 1
            let momentum: Float = it < exaggerationIterations ? 0.5 : 0.8
            forces(p: p, x: yx, y: yy, attraction: &attraction, repulsion: &repulsion, z: &zRows)
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

    /// Per row i: `Σ_j p_ij w_ij (y_i − y_j)`, `Σ_j w_ij² (y_i − y_j)` and `Σ_j w_ij` with
    /// `w_ij = (1 + ‖y_i − y_j‖²)⁻¹` (j ≠ i), eight j at a time.
    private func forces(p: [Float], x: [Float], y: [Float], attraction: inout [Float], repulsion: inout [Float], z: inout [Double]) {
        let n = x.count
        p.withUnsafeBufferPointer { pb in
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeBufferPointer { yb in
                    attraction.withUnsafeMutableBufferPointer { ab in
                        repulsion.withUnsafeMutableBufferPointer { rb in
                            z.withUnsafeMutableBufferPointer { zb in
                                let P = SendablePointer(pb.baseAddress!)
                                let X = SendablePointer(xb.baseAddress!)
                                let Y = SendablePointer(yb.baseAddress!)
                                let A = SendablePointer(ab.baseAddress!)
                                let R = SendablePointer(rb.baseAddress!)
                                let Z = SendablePointer(zb.baseAddress!)
                                parallelFor(n, grain: 32) { rows in
                                    for i in rows {
                                        let xi = SIMD8<Float>(repeating: X[i])
                                        let yi = SIMD8<Float>(repeating: Y[i])
                                        var ax = SIMD8<Float>()
                                        var ay = SIMD8<Float>()
                                        var rx = SIMD8<Float>()
                                        var ry = SIMD8<Float>()
                                        var zs = SIMD8<Float>()
                                        let row = P.base + i * n
                                        var j = 0
                                        while j + 8 <= n {
                                            let dx = xi - UnsafeRawPointer(X.base + j).loadUnaligned(as: SIMD8<Float>.self)
                                            let dy = yi - UnsafeRawPointer(Y.base + j).loadUnaligned(as: SIMD8<Float>.self)
                                            let w = 1 / (1 + dx * dx + dy * dy)
                                            let pw = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self) * w
                                            let w2 = w * w
                                            ax += pw * dx
                                            ay += pw * dy
                                            rx += w2 * dx
                                            ry += w2 * dy
                                            zs += w
                                            j += 8
                                        }
                                        var sax = ax.sum()
                                        var say = ay.sum()
                                        var srx = rx.sum()
                                        var sry = ry.sum()
                                        var sz = zs.sum()
                                        while j < n {
                                            let dx = X[i] - X[j]
                                            let dy = Y[i] - Y[j]
                                            let w = 1 / (1 + dx * dx + dy * dy)
                                            sax += row[j] * w * dx
                                            say += row[j] * w * dy
                                            srx += w * w * dx
                                            sry += w * w * dy
                                            sz += w
                                            j += 1
                                        }
                                        // j == i contributed w = 1 to z (and 0 to the others, dx = dy = 0 and p_ii = 0).
                                        A.base[2 * i] = sax
                                        A.base[2 * i + 1] = say
                                        R.base[2 * i] = srx
                                        R.base[2 * i + 1] = sry
                                        Z.base[i] = Double(sz - 1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
