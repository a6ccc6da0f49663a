import Objectives
import TensorCore
import TestSupport
import XCTest

/// PixProLosses: gradients by finite differences, and the positive-pair geometry on boxes whose
/// answer is known (the values against PyTorch are in LossRegistryTests' `ppm`/`pixpro` fixtures).
final class PixProLossesTests: XCTestCase {
    func testPropagationGradients() {
        let x = GradientCheck.random([2, 3, 2, 3], seed: 21)
        // γ = 2 and 3: max(c, 0)^γ has a continuous derivative at the clamp, so mixed signs are fine.
        for gamma: Float in [2, 3] {
            assertGradients([x], "propagate γ=\(gamma)") { PixProLosses.propagate(features: $0[0], values: $0[0], gamma: gamma) }
        }
        // γ ≤ 1 has a kink (or a singular slope) at cos = 0: positive features keep every cosine > 0.
        let positive = GradientCheck.random([2, 3, 2, 2], in: 0.5, 1.5, seed: 22)
        for gamma: Float in [1, 0.5] {
            assertGradients([positive], "propagate γ=\(gamma)") { PixProLosses.propagate(features: $0[0], values: $0[0], gamma: gamma) }
        }
        // A separate value map (the 1- and 2-layer value transforms) gets its own gradient.
        let v = GradientCheck.random([2, 4, 2, 3], seed: 23)
        assertGradients([x, v], "propagate with values") { PixProLosses.propagate(features: $0[0], values: $0[1], gamma: 2) }
    }

    func testConsistencyAndRegressionGradients() {
        let shape: Shape = [2, 3, 3, 2]
        let y1 = GradientCheck.random(shape, seed: 31)
        let y2 = GradientCheck.random(shape, seed: 32)
        let x1 = GradientCheck.random(shape, seed: 33)
        let x2 = GradientCheck.random(shape, seed: 34)
        let b1 = Tensor(shape: [2, 4], scalars: [0.1, 0.0, 0.8, 0.9, 0.9, 0.2, 0.1, 1.0])
        let b2 = Tensor(shape: [2, 4], scalars: [0.0, 0.1, 0.7, 1.0, 0.2, 0.0, 1.0, 0.8])
        assertGradients([y1, y2], "pixpro consistency") {
            PixProLosses.consistency(predictions: ($0[0], $0[1]), keys: (x1, x2), boxes: (b1, b2), threshold: 1.5)
        }
        // regression itself does not detach its key: both sides get a gradient.
        assertGradients([y1, x2], "pixpro regression") {
            PixProLosses.regression(query: $0[0], key: $0[1], boxQuery: b1, boxKey: b2, threshold: 1.5)
        }
        let p1 = GradientCheck.random([3, 5], seed: 35)
        let p2 = GradientCheck.random([3, 5], seed: 36)
        let k1 = GradientCheck.random([3, 5], seed: 37)
        let k2 = GradientCheck.random([3, 5], seed: 38)
        assertGradients([p1, p2], "pixpro instance") { PixProLosses.instance(predictions: ($0[0], $0[1]), keys: (k1, k2)) }
    }

    func testKeysGetNoGradientInConsistency() {
        let shape: Shape = [1, 2, 2, 2]
        let tape = Tape()
        let y1 = tape.watch(GradientCheck.random(shape, seed: 41))
        let y2 = tape.watch(GradientCheck.random(shape, seed: 42))
        let x1 = tape.watch(GradientCheck.random(shape, seed: 43))
        let x2 = tape.watch(GradientCheck.random(shape, seed: 44))
        let box = Tensor(shape: [1, 4], scalars: [0, 0, 1, 1])
        let loss = PixProLosses.consistency(predictions: (y1, y2), keys: (x1, x2), boxes: (box, box), threshold: 0.7)
        let g = tape.gradients(of: loss, wrt: [y1, x1, x2])
        XCTAssertTrue(g[0].scalars.contains { $0 != 0 })
        XCTAssertEqual(g[1].scalars, [Float](repeating: 0, count: 8))
        XCTAssertEqual(g[2].scalars, [Float](repeating: 0, count: 8))
    }

    /// Identical crops with square bins: bin centres coincide and neighbours are 1/√2 diagonals
    /// apart, so at 0.7 exactly the diagonal is positive (ssl-methods.md, PixPro); with bins four times
    /// as wide as high, the vertical neighbours (0.24 diagonals apart) are positive too.
    func testIdenticalCropsPairOnlyMatchingBins() {
        let box = Tensor(shape: [1, 4], scalars: [0.1, 0.2, 0.7, 0.8])
        let mask = PixProLosses.positivePairs(boxQuery: box, boxKey: box, height: 3, width: 3, threshold: 0.7)
        XCTAssertEqual(mask.shape, Shape([1, 9, 9]))
        for i in 0..<9 { for j in 0..<9 { XCTAssertEqual(mask.scalars[i * 9 + j], i == j ? 1 : 0, "(\(i), \(j))") } }
        let wide = Tensor(shape: [1, 4], scalars: [0, 0, 1, 0.25])  // 2x2 map: bins 0.5 wide, 0.125 high
        let pairs = PixProLosses.positivePairs(boxQuery: wide, boxKey: wide, height: 2, width: 2, threshold: 0.7)
        XCTAssertEqual(pairs.scalars, [1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1])
    }

    /// A view and its mirror: bin (r, c) of one sees bin (r, W − 1 − c) of the other.
    func testFlippedBoxPairsMirroredBins() {
        let plain = Tensor(shape: [1, 4], scalars: [0, 0, 1, 1])
        let flipped = Tensor(shape: [1, 4], scalars: [1, 0, 0, 1])
        let h = 3
        let w = 3
        let mask = PixProLosses.positivePairs(boxQuery: plain, boxKey: flipped, height: h, width: w, threshold: 0.7)
        for r in 0..<h {
            for c in 0..<w {
                for j in 0..<(h * w) {
                    XCTAssertEqual(mask.scalars[(r * w + c) * h * w + j], j == r * w + (w - 1 - c) ? 1 : 0, "bin (\(r), \(c)) vs \(j)")
                }
            }
        }
    }

    /// Disjoint crops have no positive pair: the sample's term is 0, and it still counts in the mean.
    func testDisjointCropsContributeZero() {
        let q = GradientCheck.random([2, 3, 2, 2], seed: 51)
        let k = GradientCheck.random([2, 3, 2, 2], seed: 52)
        let same = Tensor(shape: [1, 4], scalars: [0, 0, 1, 1])
        let b1 = Tensor(shape: [2, 4], scalars: [0, 0, 1, 1, 0, 0, 0.3, 0.3])
        let b2 = Tensor(shape: [2, 4], scalars: [0, 0, 1, 1, 0.7, 0.7, 1, 1])
        let both = PixProLosses.regression(query: q, key: k, boxQuery: b1, boxKey: b2, threshold: 0.7).scalar
        let first = PixProLosses.regression(
            query: q.slice(alongAxis: 0, 0..<1), key: k.slice(alongAxis: 0, 0..<1),
            boxQuery: same, boxKey: same, threshold: 0.7
        ).scalar
        XCTAssertEqual(both, first / 2, accuracy: 1e-6)
        XCTAssertNotEqual(first, 0)
    }
}
