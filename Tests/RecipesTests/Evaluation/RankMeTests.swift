import Recipes
import Support
import TensorCore
import XCTest

final class RankMeTests: XCTestCase {
    func testCollapsedEmbeddingHasRankOne() {
        let row: [Float] = (0..<32).map { Float($0) * 0.1 - 1 }
        let z = Tensor(shape: [200, 32], scalars: (0..<200).flatMap { _ in row })
        XCTAssertEqual(RankMe.effectiveRank(z), 1, accuracy: 1e-3)
        XCTAssertEqual(RankMe.effectiveRank(Tensor(shape: [4, 3], scalars: [Float](repeating: 0, count: 12))), 1)
    }

    func testIsotropicGaussianIsCloseToTheDimension() {
        var rng = Philox(seed: 7, keys: [1])
        let d = 32
        let z = Tensor(shape: [4000, d], scalars: (0..<(4000 * d)).map { _ in rng.nextNormal() })
        let r = RankMe.effectiveRank(z)
        XCTAssertGreaterThan(r, 0.98 * Double(d))
        XCTAssertLessThanOrEqual(r, Double(d) + 1e-3)
        // Fewer samples than dimensions: the rank is bounded by N (the N x N Gram path).
        let wide = Tensor(shape: [8, 64], scalars: (0..<(8 * 64)).map { _ in rng.nextNormal() })
        XCTAssertLessThan(RankMe.effectiveRank(wide), 8.0)
        XCTAssertGreaterThan(RankMe.effectiveRank(wide), 6.0)
    }

    func testEffectiveRankFormula() {
        // Two equal singular values: p = 1/2 each (+ ε), rank = exp(log 2) = 2.
        XCTAssertEqual(RankMe.effectiveRank(singularValues: [3, 3]), 2, accuracy: 1e-5)
        // A rank-2 embedding in 16 dimensions with equal spreads has effective rank 2.
        var s = [Float](repeating: 0, count: 100 * 16)
        for i in 0..<100 { s[i * 16 + (i % 2 == 0 ? 3 : 11)] = i < 50 ? 1 : -1 }
        XCTAssertEqual(RankMe.effectiveRank(Tensor(shape: [100, 16], scalars: s)), 2, accuracy: 1e-3)
    }

    func testEigenvaluesOfKnownMatrices() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1; a diagonal matrix its diagonal.
        XCTAssertEqual(SymmetricEigen.eigenvalues([2, 1, 1, 2], n: 2)[0], 3, accuracy: 1e-12)
        XCTAssertEqual(SymmetricEigen.eigenvalues([2, 1, 1, 2], n: 2)[1], 1, accuracy: 1e-12)
        XCTAssertEqual(SymmetricEigen.eigenvalues([5, 0, 0, 0, 1, 0, 0, 0, 3], n: 3), [5, 3, 1])
        // The 1-D Laplacian tridiag(−1, 2, −1) of size 10: λ_k = 2 − 2 cos(kπ/11).
        let m = 10
        var lap = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            lap[i * m + i] = 2
            if i > 0 {
                lap[i * m + i - 1] = -1
                lap[(i - 1) * m + i] = -1
            }
        }
        let expected = (1...m).map { 2 - 2 * cos(Double($0) * Double.pi / Double(m + 1)) }.sorted(by: >)
        for (a, b) in zip(SymmetricEigen.eigenvalues(lap, n: m), expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        // A dense matrix with a known spectrum: Q diag(1...6) Qᵀ with Q a product of Givens rotations.
        let k = 6
        var q = [Double](repeating: 0, count: k * k)
        for i in 0..<k { q[i * k + i] = 1 }
        for (p, r, angle) in [(0, 3, 0.7), (1, 4, -1.1), (2, 5, 0.4), (0, 1, 2.0), (3, 4, 0.9), (2, 4, -0.3)] {
            let c = cos(angle)
            let s = sin(angle)
            for row in 0..<k {
                let a = q[row * k + p]
                let b = q[row * k + r]
                q[row * k + p] = c * a - s * b
                q[row * k + r] = s * a + c * b
            }
        }
        var dense = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { for l in 0..<k { dense[i * k + j] += q[i * k + l] * Double(l + 1) * q[j * k + l] } } }
        for (a, b) in zip(SymmetricEigen.eigenvalues(dense, n: k), [6.0, 5, 4, 3, 2, 1]) { XCTAssertEqual(a, b, accuracy: 1e-10) }
        // Trace and Frobenius norm are preserved for a random symmetric matrix.
        var rng = Philox(seed: 3, keys: [2])
        let n = 12
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                let v = Double(rng.nextNormal())
                a[i * n + j] = v
                a[j * n + i] = v
            }
        }
        let e = SymmetricEigen.eigenvalues(a, n: n)
        XCTAssertEqual(e.reduce(0, +), (0..<n).reduce(0) { $0 + a[$1 * n + $1] }, accuracy: 1e-9)
        XCTAssertEqual(e.reduce(0) { $0 + $1 * $1 }, a.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-9)
    }
}
