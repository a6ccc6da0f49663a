import Support

/// Finite-difference gradient checking for ops and layers.
///
/// Compares the tape's gradients of `L = Σ f(x) ⊙ r` (r a fixed random projection, so the whole
/// Jacobian is exercised) with central differences `(L(x + h e_i) - L(x - h e_i)) / 2h` for every
/// element of every input, in Float32, accumulating L in Double.
public enum GradientCheck {
    /// The result of one check: the worst relative error and where it happened.
    public struct Report: CustomStringConvertible, Sendable {
        /// max over inputs and elements of |analytic - numeric| / max(|analytic|, |numeric|, floor).
        public var maxRelativeError: Float
        /// The input and element of the worst error.
        public var worst: (input: Int, element: Int, analytic: Float, numeric: Float)
        /// Text for test failures.
        public var description: String {
            "max relative error \(maxRelativeError) at input \(worst.input) element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric)"
        }
    }

    /// Checks `f` at `inputs`; `step` is the finite-difference step, `floor` the smallest magnitude
    /// used as denominator (absolute error below it counts as relative to it).
    public static func check(
        _ inputs: [Tensor], step: Float = 1e-2, floor: Float = 1e-2, seed: UInt64 = 7,
        _ f: ([Tensor]) -> Tensor
    ) -> Report {
        // The projection.
        let probe = f(inputs.map(\.detached))
        var rng = Philox(seed: seed, stream: 99)
        let r = Tensor(shape: probe.shape, scalars: (0..<probe.count).map { _ in rng.nextUniform(in: -1, 1) })
        func loss(_ xs: [Tensor]) -> Double {
            let y = f(xs)
            var acc = 0.0
            y.withUnsafeBufferPointer { yp in r.withUnsafeBufferPointer { rp in
                for i in 0..<yp.count { acc += Double(yp[i]) * Double(rp[i]) }
            } }
            return acc
        }
        let tape = Tape()
        let watched = inputs.map { tape.watch($0) }
        let out = f(watched)
        let grads = tape.gradients(of: (out * r).sum(), wrt: watched)

        var report = Report(maxRelativeError: 0, worst: (0, 0, 0, 0))
        for (k, x) in inputs.enumerated() {
            let analytic = grads[k].scalars
            for i in 0..<x.count {
                var plus = inputs.map(\.detached), minus = inputs.map(\.detached)
                plus[k].withUnsafeMutableBufferPointer { $0[i] += step }
                minus[k].withUnsafeMutableBufferPointer { $0[i] -= step }
                let numeric = Float((loss(plus) - loss(minus)) / Double(2 * step))
                let err = Swift.abs(analytic[i] - numeric) / Swift.max(Swift.abs(analytic[i]), Swift.abs(numeric), floor)
                if err > report.maxRelativeError || err.isNaN {
                    report.maxRelativeError = err.isNaN ? .infinity : err
                    report.worst = (k, i, analytic[i], numeric)
                }
            }
        }
        return report
    }

    /// A tensor of `shape` with uniform values in [lo, hi) from a fixed seed (for test inputs).
    public static func random(_ shape: Shape, in lo: Float = -1, _ hi: Float = 1, seed: UInt64 = 1) -> Tensor {
        var rng = Philox(seed: seed, stream: 1)
        return Tensor(shape: shape, scalars: (0..<shape.count).map { _ in rng.nextUniform(in: lo, hi) })
    }
}
