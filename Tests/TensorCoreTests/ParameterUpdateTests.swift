import TensorCore
import XCTest

final class ParameterUpdateTests: XCTestCase {
    /// SGD with momentum by hand over two steps: the buffer starts as the first direction (PyTorch),
    /// and a copy of the parameter taken before the update keeps its values (copy-on-write).
    func testSGDMomentumMatchesTheFormulaAndLeavesCopiesAlone() {
        var w = Tensor(shape: [3], scalars: [1, -2, 0.5])
        let before = w
        let g = Tensor(shape: [3], scalars: [0.1, 0.2, -0.3])
        var buffer: Tensor?
        let (lr, wd, mu): (Float, Float, Float) = (0.1, 0.01, 0.9)
        ParameterUpdate.sgd(
            &w, gradient: g, momentumBuffer: &buffer, learningRate: lr, weightDecay: wd, momentum: mu,
            dampening: 0, nesterov: false)
        var expectedW = before.scalars
        var b = [Float](repeating: 0, count: 3)
        for i in 0..<3 {
            b[i] = g.scalars[i] + wd * expectedW[i]
            expectedW[i] -= lr * b[i]
        }
        XCTAssertEqual(w.scalars, expectedW)
        XCTAssertEqual(buffer?.scalars, b)
        XCTAssertEqual(before.scalars, [1, -2, 0.5], "the copy taken before the update is unchanged")
        ParameterUpdate.sgd(
            &w, gradient: g, momentumBuffer: &buffer, learningRate: lr, weightDecay: wd, momentum: mu,
            dampening: 0, nesterov: false)
        for i in 0..<3 {
            b[i] = mu * b[i] + (g.scalars[i] + wd * expectedW[i])
            expectedW[i] -= lr * b[i]
        }
        XCTAssertEqual(w.scalars, expectedW)
        XCTAssertEqual(buffer?.scalars, b)
    }

    /// Without momentum no buffer is kept; the heavy-ball step without decay on its first step uses g alone.
    func testPlainSGDKeepsNoBufferAndHeavyBallStartsFromTheGradient() {
        var w = Tensor(shape: [2], scalars: [1, 2])
        var buffer: Tensor?
        ParameterUpdate.sgd(
            &w, gradient: Tensor(shape: [2], scalars: [1, 1]), momentumBuffer: &buffer, learningRate: 0.5,
            weightDecay: 0, momentum: 0, dampening: 0, nesterov: false)
        XCTAssertNil(buffer)
        XCTAssertEqual(w.scalars, [0.5, 1.5])
        ParameterUpdate.heavyBall(
            &w, gradient: Tensor(shape: [2], scalars: [2, 4]), momentumBuffer: &buffer, learningRate: 0.25,
            weightDecay: 0, momentum: 0.9)
        XCTAssertEqual(buffer?.scalars, [2, 4])
        XCTAssertEqual(w.scalars, [0, 0.5])
    }

    /// The moving average at τ = 0 copies the source; at τ = 0.75 it keeps three quarters of the target.
    func testMovingAverage() {
        var target = Tensor(shape: [2], scalars: [4, 8])
        ParameterUpdate.movingAverage(&target, towards: Tensor(shape: [2], scalars: [0, 4]), momentum: 0.75)
        XCTAssertEqual(target.scalars, [3, 7])
        ParameterUpdate.movingAverage(&target, towards: Tensor(shape: [2], scalars: [1, 2]), momentum: 0)
        XCTAssertEqual(target.scalars, [1, 2])
    }
}
