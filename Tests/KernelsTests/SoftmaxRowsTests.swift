import Foundation
import Kernels
import Support
import TestSupport
import XCTest

/// The C softmax rows and their gradient against Double references (rows of 1, 7, 65 and 197 values, spread
/// over ±30 so the maximum shift matters), under every build this CPU runs.
final class SoftmaxRowsTests: XCTestCase {
    func testRowsAndGradientMatchDoubleReferences() {
        forEachInstructionSet { isa in
            var rng = Philox(seed: 2)
            for n in [1, 7, 65, 197] {
                let rows = 3
                let x = (0..<(rows * n)).map { _ in rng.nextUniform(in: -30, 30) }
                let g = (0..<(rows * n)).map { _ in rng.nextNormal() }
                var p = x
                SoftmaxRows.apply(&p, rows: rows, length: n)
                var dp = g
                SoftmaxRows.gradient(p, &dp, rows: rows, length: n)
                var expected = [Float]()
                var expectedGradient = [Float]()
                for r in 0..<rows {
                    let row = x[(r * n)..<((r + 1) * n)].map(Double.init)
                    let m = row.max()!
                    let e = row.map { Foundation.exp($0 - m) }
                    let s = e.reduce(0, +)
                    let q = e.map { $0 / s }
                    expected += q.map(Float.init)
                    let gr = g[(r * n)..<((r + 1) * n)].map(Double.init)
                    let dot = zip(gr, q).map { $0 * $1 }.reduce(0, +)
                    expectedGradient += zip(q, gr).map { Float($0 * ($1 - dot)) }
                }
                assertClose(p, expected, atol: 1e-7, rtol: 1e-5, "softmax, n = \(n), \(isa)")
                assertClose(dp, expectedGradient, atol: 1e-6, rtol: 1e-4, "gradient, n = \(n), \(isa)")
            }
        }
    }
}
