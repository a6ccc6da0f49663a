import Foundation
import TensorCore

/// The first principal components of `[N, D]` points: the data centred, the covariance `XᵀX/(N−1)`
/// from one GEMM, its top eigenvectors by orthogonal (subspace) iteration with Gram–Schmidt, 300
/// iterations from a fixed start; the projections `[N, k]` on them. Signs are fixed so that each
/// component's largest-magnitude loading is positive, so a map is reproducible.
public enum PCA {
    /// `x` `[N, D]` projected on its first `k` principal components: `[N, k]`.
    public static func project(_ x: Tensor, components k: Int = 2) -> Tensor {
        let n = x.shape[0]
        let d = x.shape[1]
        precondition(k >= 1 && k <= d, "PCA: \(k) components of \(d) dimensions")
        var s = x.scalars
        for c in 0..<d {
            var mean: Float = 0
            for r in 0..<n { mean += s[r * d + c] }
            mean /= Float(n)
            for r in 0..<n { s[r * d + c] -= mean }
        }
        let centred = Tensor(shape: [n, d], scalars: s)
        let cov = Tensor.matmul(centred, centred, transposeA: true).scalars.map(Double.init)
        var v = [Double](repeating: 0, count: d * k)  // column-major: component c at v[c * d ..< (c + 1) * d]
        for c in 0..<k { for i in 0..<d { v[c * d + i] = Foundation.sin(Double(i * (c + 1)) + 0.5) + (i % k == c ? 1 : 0) } }
        for _ in 0..<300 {
            var w = [Double](repeating: 0, count: d * k)
            for c in 0..<k {
                for i in 0..<d {
                    var acc = 0.0
                    for j in 0..<d { acc += cov[i * d + j] * v[c * d + j] }
                    w[c * d + i] = acc
                }
                for prev in 0..<c {  // Gram–Schmidt against the earlier components
                    var dot = 0.0
                    for i in 0..<d { dot += w[c * d + i] * w[prev * d + i] }
                    for i in 0..<d { w[c * d + i] -= dot * w[prev * d + i] }
                }
                var norm = 0.0
                for i in 0..<d { norm += w[c * d + i] * w[c * d + i] }
                norm = norm.squareRoot()
                for i in 0..<d { w[c * d + i] = norm > 0 ? w[c * d + i] / norm : 0 }
            }
            v = w
        }
        for c in 0..<k {
            let big = (0..<d).max { abs(v[c * d + $0]) < abs(v[c * d + $1]) } ?? 0
            if v[c * d + big] < 0 { for i in 0..<d { v[c * d + i] = -v[c * d + i] } }
        }
        var out = [Float](repeating: 0, count: n * k)
        for r in 0..<n {
            for c in 0..<k {
                var acc = 0.0
                for i in 0..<d { acc += Double(s[r * d + i]) * v[c * d + i] }
                out[r * k + c] = Float(acc)
            }
        }
        return Tensor(shape: [n, k], scalars: out)
    }
}
