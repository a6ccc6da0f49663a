import Foundation

/// Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the QL
/// algorithm with implicit shifts (Numerical Recipes, 3rd ed., sections 11.3-11.4, `tred2` without
/// eigenvectors and `tqli`). O(4n³/3) operations for the reduction; a 512 x 512 Gram matrix takes
/// well under a second, so monitors can run it during training.
public enum SymmetricEigen {
    /// The eigenvalues of the `n x n` symmetric matrix `a` (row-major; the lower triangle is read),
    /// in descending order.
    public static func eigenvalues(_ matrix: [Double], n: Int) -> [Double] {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) values for a \(n)x\(n) matrix")
        guard n > 1 else { return matrix }
        var a = matrix
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        // Householder: row i (from the last) is reduced against columns 0..<i−1.
        for i in stride(from: n - 1, to: 0, by: -1) {
            let l = i - 1
            if l > 0 {
                var scale = 0.0
                var h = 0.0
                for k in 0...l { scale += abs(a[i * n + k]) }
                if scale == 0 {
                    e[i] = a[i * n + l]
                } else {
                    for k in 0...l {
                        a[i * n + k] /= scale
                        h += a[i * n + k] * a[i * n + k]
                    }
                    var f = a[i * n + l]
                    let g = f >= 0 ? -h.squareRoot() : h.squareRoot()
                    e[i] = scale * g
                    h -= f * g
                    a[i * n + l] = f - g
                    f = 0
                    for j in 0...l {
                        var s = 0.0
                        for k in 0...j { s += a[j * n + k] * a[i * n + k] }
                        if j + 1 <= l { for k in (j + 1)...l { s += a[k * n + j] * a[i * n + k] } }
                        e[j] = s / h
                        f += e[j] * a[i * n + j]
                    }
                    let hh = f / (h + h)
                    for j in 0...l {
                        let fj = a[i * n + j]
                        let gj = e[j] - hh * fj
                        e[j] = gj
                        for k in 0...j { a[j * n + k] -= fj * e[k] + gj * a[i * n + k] }
                    }
                }
            } else {
                e[i] = a[i * n + l]
            }
        }
        for i in 0..<n { d[i] = a[i * n + i] }
        // QL with implicit shifts on the tridiagonal (d, e).
        for i in 1..<n { e[i - 1] = e[i] }
        e[n - 1] = 0
        for l in 0..<n {
            var iterations = 0
            while true {
                var m = l
                while m < n - 1 {
                    let dd = abs(d[m]) + abs(d[m + 1])
                    if abs(e[m]) <= Double.ulpOfOne * dd { break }
                    m += 1
                }
                if m == l || iterations == 100 { break }
                iterations += 1
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypot(g, 1)
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0
                var c = 1.0
                var p = 0.0
                var i = m - 1
                var deflated = false
                while i >= l {
                    let f = s * e[i]
                    let b = c * e[i]
                    r = hypot(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        d[i + 1] -= p
                        e[m] = 0
                        deflated = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    i -= 1
                }
                if deflated { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
        return d.sorted(by: >)
    }
}
