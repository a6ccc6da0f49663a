import Foundation
import Support

/// Exact t-SNE's O(N²) passes on raw buffers (`Recipes/Embedding/TSNE.swift` drives them).
public enum TSNEKernels {
    /// The Gaussian conditionals `p_j|i` `[N, N]` (row-major, zero diagonal) from the Gram matrix `g` of
    /// the points (`‖x_i − x_j‖² = g_ii + g_jj − 2 g_ij`), each row's β_i found by bisection (at most 100
    /// steps) so that the row's entropy is `target` nats; rows in parallel.
    public static func conditionals(gram: UnsafePointer<Float>, count n: Int, targetEntropy target: Double, into p: UnsafeMutablePointer<Float>) {
        let g = SendablePointer(gram)
        let out = SendablePointer(p)
        let sq = (0..<n).map { g[$0 * n + $0] }
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

    /// Per row i: `Σ_j p_ij w_ij (y_i − y_j)` into `attraction[2i ..< 2i+2]`, `Σ_j w_ij² (y_i − y_j)` into
    /// `repulsion`, and `Σ_{j≠i} w_ij` into `z[i]`, with `w_ij = (1 + ‖y_i − y_j‖²)⁻¹` and the points'
    /// coordinates `x`, `y` `[N]`; eight j at a time, rows in parallel.
    public static func forces(
        p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafePointer<Float>, count n: Int,
        attraction: UnsafeMutablePointer<Float>, repulsion: UnsafeMutablePointer<Float>, z: UnsafeMutablePointer<Double>
    ) {
        let P = SendablePointer(p)
        let X = SendablePointer(x)
        let Y = SendablePointer(y)
        let A = SendablePointer(attraction)
        let R = SendablePointer(repulsion)
        let Z = SendablePointer(z)
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
