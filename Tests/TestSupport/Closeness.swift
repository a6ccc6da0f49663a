import TensorCore
import XCTest

/// Elementwise and norm-wise comparison of computed values with expected ones. The checks return
/// the reason for a mismatch (nil when close), so their own tests can show that they fail; the
/// `assertClose`/`assertNormClose` functions below turn that reason into a test failure.
public enum Closeness {
    /// Why `actual` is not close to `expected`, or nil: the lengths must be equal (an empty `actual`
    /// against a non-empty `expected` is a mismatch) and every element must satisfy
    /// |actual − expected| ≤ atol + rtol · reference, where reference is |expected[i]|, or the
    /// largest |expected| of the whole array when `relativeToLargest` is set (so tiny entries of a
    /// large gradient are not over-weighted). NaN anywhere is a mismatch. Names the first bad element.
    public static func mismatch(
        _ actual: [Float], _ expected: [Float], atol: Float, rtol: Float,
        relativeToLargest: Bool = false
    ) -> String? {
        guard actual.count == expected.count else { return "\(actual.count) elements, expected \(expected.count)" }
        let largest = relativeToLargest ? (expected.map { Swift.abs($0) }.max() ?? 0) : 0
        for i in 0..<actual.count {
            let bound = atol + rtol * Swift.max(Swift.abs(expected[i]), largest)
            let difference = Swift.abs(actual[i] - expected[i])
            if !(difference <= bound) {  // also true for NaN
                return "[\(i)]: \(actual[i]) vs expected \(expected[i]) (|difference| \(difference) > \(bound))"
            }
        }
        return nil
    }

    /// Why `actual` is not close to `expected` in norm, or nil: equal shapes and
    /// ‖actual − expected‖ / ‖expected‖ ≤ `tolerance` (robust to single elements near zero); a zero
    /// `expected` needs an exactly zero `actual`; NaN is a mismatch.
    public static func normMismatch(_ actual: Tensor, _ expected: Tensor, tolerance: Float) -> String? {
        guard actual.shape == expected.shape else { return "shape \(actual.shape), expected \(expected.shape)" }
        let a = actual.scalars
        let b = expected.scalars
        var difference = 0.0
        var norm = 0.0
        for i in 0..<a.count {
            difference += Double(a[i] - b[i]) * Double(a[i] - b[i])
            norm += Double(b[i]) * Double(b[i])
        }
        let error = norm > 0 ? (difference / norm).squareRoot() : (difference == 0 ? 0 : .infinity)
        return error <= Double(tolerance) ? nil : "norm-wise relative error \(error) > \(tolerance)"
    }
}

/// Asserts `Closeness.mismatch(actual, expected, ...)` is nil: same length, every element within
/// atol + rtol · |expected| (or · the largest |expected| with `relativeToLargest`).
public func assertClose(
    _ actual: [Float], _ expected: [Float], atol: Float = 0, rtol: Float,
    relativeToLargest: Bool = false, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    if let reason = Closeness.mismatch(actual, expected, atol: atol, rtol: rtol, relativeToLargest: relativeToLargest) {
        XCTFail("\(what()) \(reason)", file: file, line: line)
    }
}

/// Asserts equal shapes, then `assertClose` on the elements.
public func assertClose(
    _ actual: Tensor, _ expected: Tensor, atol: Float = 0, rtol: Float,
    relativeToLargest: Bool = false, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.shape == expected.shape else {
        return XCTFail("\(what()) shape \(actual.shape), expected \(expected.shape)", file: file, line: line)
    }
    assertClose(
        actual.scalars, expected.scalars, atol: atol, rtol: rtol, relativeToLargest: relativeToLargest, what(),
        file: file, line: line)
}

/// Asserts `Closeness.normMismatch(actual, expected, tolerance:)` is nil.
public func assertNormClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    if let reason = Closeness.normMismatch(actual, expected, tolerance: tolerance) {
        XCTFail("\(what()) \(reason)", file: file, line: line)
    }
}
