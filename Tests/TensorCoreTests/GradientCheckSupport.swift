import XCTest
import Kernels
import TensorCore

/// Local finite-difference gradient check (until TensorCore's `GradientCheck` lands on main):
/// central differences of `sum(f(inputs) * r)` for a fixed random projection r, compared with the
/// tape's gradients by relative error against max(|analytic|, |numeric|, floor).
enum LocalGradientCheck {
    /// A tensor of standard normal values.
    static func randn(_ shape: Shape, seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = Philox(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextNormal() * scale })
    }

    /// Checks d/d(inputs[i]) of `sum(f(inputs) * r)` for every input in `wrt` (default: all).
    /// At most `maxProbes` coordinates per input are probed (spread over the tensor).
    static func check(_ inputs: [Tensor], wrt: [Int]? = nil, eps: Float = 1e-2, tolerance: Float = 2e-2,
                      floor: Float = 1e-2, maxProbes: Int = 40, seed: UInt64 = 99,
                      file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
        let probeOut = f(inputs)
        let r = randn(probeOut.shape, seed: seed)
        func objective(_ xs: [Tensor]) -> Double {
            let y = f(xs).scalars, rv = r.scalars
            var s: Double = 0
            for i in 0..<y.count { s += Double(y[i]) * Double(rv[i]) }
            return s
        }
        let tape = Tape()
        let traced = inputs.map { tape.watch($0) }
        let y = f(traced)
        let loss = (y * r).sum()
        let which = wrt ?? Array(inputs.indices)
        let grads = tape.gradients(of: loss, wrt: which.map { traced[$0] })
        for (gi, i) in which.enumerated() {
            let analytic = grads[gi].scalars
            XCTAssertEqual(grads[gi].shape, inputs[i].shape, "gradient shape of input \(i)", file: file, line: line)
            let n = inputs[i].count
            let step = max(1, n / maxProbes)
            var worst: Float = 0, worstAt = -1, worstA: Float = 0, worstN: Float = 0
            for k in stride(from: 0, to: n, by: step) {
                var plus = inputs, minus = inputs
                var pv = inputs[i].scalars, mv = pv
                pv[k] += eps; mv[k] -= eps
                plus[i] = Tensor(shape: inputs[i].shape, scalars: pv)
                minus[i] = Tensor(shape: inputs[i].shape, scalars: mv)
                let numeric = Float((objective(plus) - objective(minus)) / Double(2 * eps))
                let a = analytic[k]
                let err = abs(a - numeric) / max(abs(a), abs(numeric), floor)
                if err > worst { worst = err; worstAt = k; worstA = a; worstN = numeric }
            }
            XCTAssertLessThanOrEqual(worst, tolerance,
                "input \(i) \(inputs[i].shape): element \(worstAt) analytic \(worstA) vs numeric \(worstN)", file: file, line: line)
        }
    }
}

/// Asserts two float arrays agree within `atol + rtol·|expected|` elementwise.
func assertClose(_ a: [Float], _ b: [Float], atol: Float = 1e-4, rtol: Float = 1e-4, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count \(message)", file: file, line: line)
    var worst: Float = 0, at = -1
    for i in 0..<min(a.count, b.count) {
        let e = abs(a[i] - b[i]) - (atol + rtol * abs(b[i]))
        if e > worst { worst = e; at = i }
    }
    if at >= 0 { XCTFail("\(message): element \(at): \(a[at]) vs \(b[at])", file: file, line: line) }
}
