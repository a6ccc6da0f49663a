/// Eigenvalues of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, Matrix
/// Computations, 4th ed., section 8.5): rotations zero each off-diagonal pair in turn until the
/// off-diagonal Frobenius norm is below `1e-12` of the whole norm; accurate to working precision
/// for the small Gram matrices of monitors (n up to a few hundred; O(n^3) per sweep, ~6-10 sweeps).
public enum SymmetricEigen {
    /// The eigenvalues of the `n x n` symmetric matrix `a` (row-major), in descending order.
    public static func eigenvalues(_ a: [Double], n: Int) -> [Double] {
        precondition(a.count == n * n, "SymmetricEigen: \(a.count) values for a \(n)x\(n) matrix")
        var m = a
        let total = m.reduce(0) { $0 + $1 * $1 }
        guard n > 1, total > 0 else { return (0..<n).map { m[$0 * n + $0] }.sorted(by: >) }
        for _ in 0..<60 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += 2 * m[p * n + q] * m[p * n + q] } }
            if off <= 1e-24 * total { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = m[p * n + q]
                    if apq == 0 { continue }
                    let app = m[p * n + p], aqq = m[q * n + q]
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    // A <- J^T A J on rows/columns p and q.
                    for k in 0..<n {
                        let akp = m[k * n + p], akq = m[k * n + q]
                        m[k * n + p] = c * akp - s * akq
                        m[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = m[p * n + k], aqk = m[q * n + k]
                        m[p * n + k] = c * apk - s * aqk
                        m[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { m[$0 * n + $0] }.sorted(by: >)
    }
}
