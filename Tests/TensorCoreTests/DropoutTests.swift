import Support
import TensorCore
import TestSupport
import XCTest

final class DropoutTests: XCTestCase {
    func testInferenceIsIdentity() {
        var rng = Philox(seed: 1)
        let x = TestTensors.randn([3, 4], seed: 2)
        XCTAssertEqual(x.dropout(probability: 0.5, rng: &rng, training: false).scalars, x.scalars)
        XCTAssertEqual(x.dropout(probability: 0, rng: &rng, training: true).scalars, x.scalars)
    }

    func testTrainingZeroesAndRescalesWithTheRightRate() {
        var rng = Philox(seed: 3)
        let x = Tensor(repeating: 1, shape: [100, 100])
        let y = x.dropout(probability: 0.3, rng: &rng, training: true).scalars
        let kept = y.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        XCTAssertEqual(Double(kept.count) / 10_000, 0.7, accuracy: 0.02)
        // Same seed, same mask; the generator advances between calls.
        var a = Philox(seed: 9)
        var b = Philox(seed: 9)
        let m1 = x.dropout(probability: 0.5, rng: &a, training: true).scalars
        XCTAssertEqual(m1, x.dropout(probability: 0.5, rng: &b, training: true).scalars)
        XCTAssertNotEqual(m1, x.dropout(probability: 0.5, rng: &a, training: true).scalars)
    }

    func testGradientUsesTheSameMask() {
        let x = TestTensors.randn([5, 7], seed: 4)
        // The check evaluates f several times; reseeding inside f keeps the mask fixed.
        assertGradients([x]) { t in
            var rng = Philox(seed: 11)
            return t[0].dropout(probability: 0.4, rng: &rng, training: true)
        }
    }
}
