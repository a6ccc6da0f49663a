import TensorCore
import XCTest

/// Asserts that the tape's gradients of `f` at `inputs` agree with finite differences
/// (`GradientCheck.check`): within 0.1 % norm-wise over each input and 0.5 % per element, so a
/// pullback that is 1 % wrong fails. The tolerances are fixed; `step` may be made smaller for inputs
/// that lie within `2 · step` of a kink of `f` (ReLU at 0, ties of a max). The failure message names
/// `what` and the worst element.
public func assertGradients(
    _ inputs: [Tensor], step: Float = 1e-2, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
    let report = GradientCheck.check(inputs, step: step, f)
    if !report.passes {
        XCTFail("gradient check \(what()) \(inputs.map(\.shape)): \(report)", file: file, line: line)
    }
}
