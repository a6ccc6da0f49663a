import TensorCore
import TestSupport
import XCTest

/// The gradient check rejects a pullback that is 1 % wrong (the old check, 2 % relative with an
/// absolute floor of 1e-2, let it through) and accepts the correct one.
final class FiniteDifferenceCheckTests: XCTestCase {
    /// y = x³ as a hand-made op on the tape whose pullback is multiplied by `factor` at the elements
    /// where `wrong` is true (factor 1: the correct pullback).
    static func cube(_ x: Tensor, factor: Float, wrong: (Int) -> Bool = { _ in true }) -> Tensor {
        let v = x.detached
        let scale = Tensor(shape: x.shape, scalars: (0..<x.count).map { wrong($0) ? 3 * factor : 3 })
        return Tensor.traced(v * v * v, inputs: [x]) { g in [g * v * v * scale] }
    }

    func testCorrectPullbackPasses() {
        let x = GradientCheck.random([4, 5], in: -1.5, 1.5, seed: 21)
        let report = GradientCheck.check([x]) { Self.cube($0[0], factor: 1) }
        XCTAssertTrue(report.passes, "\(report)")
        XCTAssertEqual(report.elementCount, 20)
        XCTAssertLessThan(report.normError, GradientCheck.normTolerance / 10, "\(report)")
    }

    func testPullbackOnePercentTooLargeOrTooSmallFails() {
        let x = GradientCheck.random([4, 5], in: -1.5, 1.5, seed: 22)
        for factor: Float in [1.01, 0.99] {
            let report = GradientCheck.check([x]) { Self.cube($0[0], factor: factor) }
            XCTAssertFalse(report.passes, "factor \(factor): \(report)")
            // Every element is off by |factor − 1| / factor relative to the numeric gradient: about
            // ten times the norm tolerance and twice the element tolerance.
            XCTAssertEqual(report.normError, Double(abs(factor - 1) / factor), accuracy: 2e-4, "factor \(factor)")
            XCTAssertGreaterThan(report.elementError, 1.5 * GradientCheck.elementTolerance, "factor \(factor)")
        }
    }

    func testOneElementOnePercentWrongFails() {
        // Element 7 has by far the largest gradient; only its pullback is 1 % off.
        var values = [Float](repeating: 0.3, count: 12)
        values[7] = 1.5
        let x = Tensor(shape: [3, 4], scalars: values)
        let report = GradientCheck.check([x]) { Self.cube($0[0], factor: 1.01, wrong: { $0 == 7 }) }
        XCTAssertFalse(report.passes, "\(report)")
        XCTAssertGreaterThan(report.elementError, 1.5 * GradientCheck.elementTolerance, "\(report)")
        XCTAssertEqual(report.worst.input, 0)
        XCTAssertEqual(report.worst.element, 7)
    }

    func testWrongSecondInputIsNamed() {
        // y = a · b with b's pullback 1 % off: the report names input 1.
        let a = GradientCheck.random([2, 3], in: 0.5, 2, seed: 24)
        let b = GradientCheck.random([2, 3], in: 0.5, 2, seed: 25)
        let report = GradientCheck.check([a, b]) { xs in
            let (va, vb) = (xs[0].detached, xs[1].detached)
            return Tensor.traced(va * vb, inputs: [xs[0], xs[1]]) { g in [g * vb, g * va * 1.01] }
        }
        XCTAssertFalse(report.passes, "\(report)")
        XCTAssertEqual(report.worst.input, 1)
        XCTAssertEqual(report.elementCount, 12)
    }

    func testGradientsSpanningOrdersOfMagnitudePass() {
        // The smallest gradients are below Float32's resolution of the differences; they are judged
        // against a tenth of the largest one, and the correct pullback passes.
        let x = Tensor(shape: [6], scalars: [1e-3, 3e-3, 0.05, 0.1, 0.5, 1])
        let report = GradientCheck.check([x]) { Self.cube($0[0], factor: 1) }
        XCTAssertTrue(report.passes, "\(report)")
    }

    func testNothingToCheckDoesNotPass() {
        let report = GradientCheck.check([Tensor(shape: [0], scalars: [])]) { $0[0] * 2 }
        XCTAssertEqual(report.elementCount, 0)
        XCTAssertFalse(report.passes)
    }
}
