import Support
import TensorCore

/// Finite-difference gradient checking for ops and layers: the one numerical check behind
/// `assertGradients`.
///
/// The tape's gradients of `L = Σ f(x) ⊙ r` (r a fixed random projection, so the whole Jacobian is
/// exercised) are compared, for every element of every input, with a Richardson-extrapolated
/// central difference: `D(s) = (L(x + s e_i) − L(x − s e_i)) / (the step actually taken)` at s = 2h
/// and s = h, combined as `D(h) + (D(h) − D(2h)) / 3`, which cancels the h² truncation term. L is
/// accumulated in Float64 and the step is measured after x ± s is rounded to Float32, so what is
/// left is the Float32 rounding of f itself and h⁴ terms.
///
/// That rounding sets the tolerances. A scalar loss of size ~1 moves by only ~1e-3 across the step,
/// so its last Float32 bits are ~1e-4 of the difference: per element, the numeric gradient of a loss
/// is good to a few 1e-3 (worst measured over the suite: 2.1e-3), while over a whole input the
/// noise averages out (worst norm-wise error measured: 3.4e-4). Hence two tolerances, both far
/// below the 1 % that a wrong pullback produces (FiniteDifferenceCheckTests proves it is caught):
/// 0.1 % norm-wise over each input, and 0.5 % per element. The per-element errors are taken against
/// max(|analytic|, |numeric|, 10 % of the input's largest gradient), so elements whose gradient is a
/// small fraction of the largest (where rounding noise exceeds their size) are not judged on their own.
public enum GradientCheck {
    /// The largest norm-wise relative error ‖analytic − numeric‖ / ‖numeric‖ of any input: 0.1 %.
    public static let normTolerance = 1e-3
    /// The largest per-element error (see `relativeFloor`): 0.5 %.
    public static let elementTolerance = 5e-3
    /// Per-element errors are relative to at least this fraction of the input's largest |gradient|.
    public static let relativeFloor = 0.1

    /// The result of one check.
    public struct Report: CustomStringConvertible, Sendable {
        /// The largest ‖analytic − numeric‖ / ‖numeric‖ over the inputs (infinity when a value is
        /// NaN, or when the numeric gradient is zero and the analytic one is not).
        public var normError: Double
        /// The largest |analytic − numeric| / max(|analytic|, |numeric|, relativeFloor · input scale)
        /// over inputs and elements (infinity when a value is NaN).
        public var elementError: Double
        /// The input and element of the worst per-element error, with both gradients.
        public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)
        /// How many gradient elements were compared (0 means nothing was checked).
        public var elementCount: Int

        /// Whether both errors are within `normTolerance` and `elementTolerance`, over at least one element.
        public var passes: Bool {
            elementCount > 0 && normError <= GradientCheck.normTolerance && elementError <= GradientCheck.elementTolerance
        }

        /// Text for test failures.
        public var description: String {
            "norm-wise error \(normError) (tolerance \(GradientCheck.normTolerance)), per-element error \(elementError) "
                + "(tolerance \(GradientCheck.elementTolerance)) over \(elementCount) elements; worst at input \(worst.input) "
                + "element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric)"
        }
    }

    /// Checks the tape's gradients of `f` at `inputs` against central differences at steps `2 · step`
    /// and `step`, extrapolated. No kink of `f` (ReLU at 0, a tie of a max) may lie within
    /// `2 · step` of an input.
    public static func check(_ inputs: [Tensor], step: Float = 1e-2, seed: UInt64 = 7, _ f: ([Tensor]) -> Tensor) -> Report {
        let probe = f(inputs.map(\.detached))
        var rng = Philox(seed: seed, stream: 99)
        let r = Tensor(shape: probe.shape, scalars: (0..<probe.count).map { _ in rng.nextUniform(in: -1, 1) })
        let weights = r.scalars.map(Double.init)
        func loss(_ xs: [Tensor]) -> Double {
            let y = f(xs).scalars
            var acc = 0.0
            for i in 0..<y.count { acc += Double(y[i]) * weights[i] }
            return acc
        }
        let tape = Tape()
        let watched = inputs.map { tape.watch($0) }
        let grads = tape.gradients(of: (f(watched) * r).sum(), wrt: watched)

        var report = Report(normError: 0, elementError: 0, worst: (0, 0, 0, 0), elementCount: 0)
        for (k, x) in inputs.enumerated() {
            let analytic = grads[k].scalars.map(Double.init)
            let values = x.scalars
            let numeric = (0..<x.count).map { i in
                let coarse = centralDifference(inputs, input: k, element: i, at: values[i], step: 2 * step, loss)
                let fine = centralDifference(inputs, input: k, element: i, at: values[i], step: step, loss)
                return fine + (fine - coarse) / 3
            }
            var difference = 0.0
            var norm = 0.0
            var scale = 0.0
            for i in 0..<x.count {
                difference += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i])
                norm += numeric[i] * numeric[i]
                scale = Swift.max(scale, Swift.abs(analytic[i]), Swift.abs(numeric[i]))
            }
            let normError = norm > 0 ? (difference / norm).squareRoot() : (difference == 0 ? 0 : .infinity)
            report.normError = Swift.max(report.normError, normError.isNaN ? .infinity : normError)
            for i in 0..<x.count {
                let a = analytic[i]
                let n = numeric[i]
                let denominator = Swift.max(Swift.abs(a), Swift.abs(n), relativeFloor * scale)
                var err = a == n ? 0 : Swift.abs(a - n) / denominator
                if err.isNaN { err = .infinity }
                if err > report.elementError {
                    report.elementError = err
                    report.worst = (k, i, a, n)
                }
            }
            report.elementCount += x.count
        }
        return report
    }

    /// (L(x + s e_i) − L(x − s e_i)) / (the step actually taken after Float32 rounding), in Float64.
    static func centralDifference(
        _ inputs: [Tensor], input k: Int, element i: Int, at x0: Float, step s: Float,
        _ loss: ([Tensor]) -> Double
    ) -> Double {
        let up = x0 + s
        let down = x0 - s
        var plus = inputs.map(\.detached)
        var minus = inputs.map(\.detached)
        plus[k].withUnsafeMutableBufferPointer { $0[i] = up }
        minus[k].withUnsafeMutableBufferPointer { $0[i] = down }
        return (loss(plus) - loss(minus)) / (Double(up) - Double(down))
    }

    /// A tensor of `shape` with uniform values in [lo, hi) from a fixed seed (for test inputs).
    public static func random(_ shape: Shape, in lo: Float = -1, _ hi: Float = 1, seed: UInt64 = 1) -> Tensor {
        var rng = Philox(seed: seed, stream: 1)
        return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextUniform(in: lo, hi) })
    }
}
