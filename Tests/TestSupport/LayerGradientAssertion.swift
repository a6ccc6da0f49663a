import NN
import TensorCore
import XCTest

/// Asserts `assertGradients` for `layer`'s forward pass with respect to its input, in training mode
/// (batch statistics, the context's RNG) or inference mode. Every evaluation runs on a fresh copy of
/// `layer`, so running statistics updated by one pass do not leak into the next.
public func assertInputGradients<L: TensorLayer>(
    of layer: L, at input: Tensor, training: Bool, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    assertGradients([input], "\(L.self) \(training ? "training" : "inference") \(what())", file: file, line: line) { xs in
        var copy = layer
        var context = Context(training: training)
        return copy.forward(xs[0], context: &context)
    }
}
