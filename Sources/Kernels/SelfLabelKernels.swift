import Foundation

/// SeLa's Float64 Sinkhorn-Knopp (`sinkhornknopp.py::optimize_L_sk`) on raw buffers.
public enum SelfLabelKernels {
    /// `P^λ` `[N, K]` (row-major, Float64) from Float32 logits: `exp(λ·(x − logsumexp_row(x)))`.
    public static func powers(_ x: UnsafePointer<Float>, rows n: Int, columns k: Int, lambda: Double, into a: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var m = -Double.infinity
            for j in 0..<k { m = max(m, Double(x[i * k + j])) }
            var s = 0.0
            for j in 0..<k { s += Foundation.exp(Double(x[i * k + j]) - m) }
            let lse = m + Foundation.log(s)
            for j in 0..<k { a[i * k + j] = Foundation.exp(lambda * (Double(x[i * k + j]) - lse)) }
        }
    }

    /// The scaling loop: `r = (1/K)/(A c)`, `c' = (1/N)/(Aᵀ r)`, the error `Σ|c/c' − 1|` (NaN terms as 0,
    /// numpy's nansum) on updates 0, 10, 20, …, `c = c'`, until the error is at most 0.1 or
    /// `maxIterations` updates. `r` `[K]` and `c` `[N]` start at 1/K and 1/N (the caller's); returns the
    /// updates run and the last error.
    public static func scale(
        _ a: UnsafePointer<Double>, rows n: Int, columns k: Int, r: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>,
        maxIterations: Int
    ) -> (iterations: Int, error: Double) {
        let invK = 1 / Double(k)
        let invN = 1 / Double(n)
        var cNew = [Double](repeating: 0, count: n)
        var acc = [Double](repeating: 0, count: k)
        var err = 1e6
        var counter = 0
        while err > 0.1 && counter < maxIterations {
            // r = (1/K) / (A c): A c accumulated over samples.
            acc.withUnsafeMutableBufferPointer { acc in
                for j in 0..<k { acc[j] = 0 }
                for i in 0..<n {
                    let ci = c[i]
                    let row = a + i * k
                    for j in 0..<k { acc[j] += row[j] * ci }
                }
            }
            for j in 0..<k { r[j] = invK / acc[j] }
            // c' = (1/N) / (Aᵀ r).
            for i in 0..<n {
                let row = a + i * k
                var s = 0.0
                for j in 0..<k { s += row[j] * r[j] }
                cNew[i] = invN / s
            }
            if counter % 10 == 0 {
                var e = 0.0
                for i in 0..<n {
                    let t = Swift.abs(c[i] / cNew[i] - 1)
                    if !t.isNaN { e += t }
                }
                err = e
            }
            for i in 0..<n { c[i] = cNew[i] }
            counter += 1
        }
        return (counter, err)
    }
}
