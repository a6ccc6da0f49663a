import Support
import TensorCore
import XCTest

/// Shared helpers for the op tests: random inputs, TensorCore's finite-difference check as an
/// assertion, and elementwise closeness.
enum TestTensors {
    /// A tensor of standard normal values (times `scale`) from a fixed seed.
    static func randn(_ shape: Shape, seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = Philox(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextNormal() * scale })
    }

    /// Asserts `GradientCheck` (central differences on a random projection, every element of every
    /// input) agrees with the tape within `tolerance` relative error.
    static func checkGradients(_ inputs: [Tensor], tolerance: Float = 2e-2, step: Float = 1e-2,
                               file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
        let report = GradientCheck.check(inputs, step: step, f)
        XCTAssertLessThan(report.maxRelativeError, tolerance, "\(inputs.map(\.shape)): \(report)", file: file, line: line)
    }
}

/// Asserts two float arrays agree within `atol + rtol·|expected|` elementwise.
func assertClose(_ a: [Float], _ b: [Float], atol: Float = 1e-4, rtol: Float = 1e-4, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count \(message)", file: file, line: line)
    var worst: Float = 0, at = -1
    for i in 0..<min(a.count, b.count) {
        let e = abs(a[i] - b[i]) - (atol + rtol * abs(b[i]))
        if e > worst || e.isNaN { worst = e.isNaN ? .infinity : e; at = i }
    }
    if at >= 0 { XCTFail("\(message): element \(at): \(a[at]) vs \(b[at])", file: file, line: line) }
}
