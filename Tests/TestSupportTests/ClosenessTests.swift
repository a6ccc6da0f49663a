import TensorCore
import TestSupport
import XCTest

/// The closeness checks fail on every kind of mismatch, including the ones a `zip` loop misses.
final class ClosenessTests: XCTestCase {
    func testLengthsMustAgree() {
        XCTAssertNotNil(Closeness.mismatch([], [1, 2], atol: 1, rtol: 1), "empty actual vs non-empty expected")
        XCTAssertNotNil(Closeness.mismatch([1, 2], [], atol: 1, rtol: 1))
        XCTAssertNotNil(Closeness.mismatch([1, 2], [1, 2, 3], atol: 1, rtol: 1), "a prefix is not enough")
        XCTAssertNil(Closeness.mismatch([], [], atol: 0, rtol: 0))
    }

    func testEveryElementIsCompared() {
        XCTAssertNil(Closeness.mismatch([1, 2, 3], [1, 2, 3], atol: 0, rtol: 0))
        let reason = Closeness.mismatch([1, 2, 3.1], [1, 2, 3], atol: 1e-3, rtol: 1e-3)
        XCTAssertNotNil(reason)
        XCTAssertTrue(reason?.hasPrefix("[2]") == true, reason ?? "")
        XCTAssertNotNil(Closeness.mismatch([1, .nan], [1, 2], atol: 1, rtol: 1), "NaN fails")
        XCTAssertNotNil(Closeness.mismatch([1, 2], [1, .nan], atol: 1, rtol: 1), "NaN expected fails")
    }

    func testToleranceBounds() {
        // atol + rtol · |expected|: 100 ± 0.11 passes with rtol 1e-3 and atol 0.01, 100.12 does not.
        XCTAssertNil(Closeness.mismatch([100.109], [100], atol: 0.01, rtol: 1e-3))
        XCTAssertNotNil(Closeness.mismatch([100.12], [100], atol: 0.01, rtol: 1e-3))
        // Relative to the largest: a tiny entry may be off by rtol of the largest magnitude.
        XCTAssertNotNil(Closeness.mismatch([5e-4, 10], [0, 10], atol: 0, rtol: 1e-4))
        XCTAssertNil(Closeness.mismatch([5e-4, 10], [0, 10], atol: 0, rtol: 1e-4, relativeToLargest: true))
        XCTAssertNotNil(Closeness.mismatch([2e-3, 10], [0, 10], atol: 0, rtol: 1e-4, relativeToLargest: true))
    }

    func testNormCloseness() {
        let b = Tensor([3, 4])
        XCTAssertNil(Closeness.normMismatch(Tensor([3, 4.004]), b, tolerance: 1e-3))
        XCTAssertNotNil(Closeness.normMismatch(Tensor([3, 4.01]), b, tolerance: 1e-3))
        XCTAssertNotNil(Closeness.normMismatch(Tensor(shape: [2, 1], scalars: [3, 4]), b, tolerance: 1), "shapes must agree")
        XCTAssertNotNil(Closeness.normMismatch(Tensor([0, 1e-9]), Tensor([0, 0]), tolerance: 1), "a zero reference needs zero")
        XCTAssertNotNil(Closeness.normMismatch(Tensor([.nan, 4]), b, tolerance: 1))
    }
}
