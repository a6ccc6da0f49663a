import Kernels

/// In-place updates of one parameter tensor and its optimizer state (the loops of
/// `Kernels/OptimizerKernels.swift`), for NN's optimizers and EMA. A state tensor passed as nil is
/// created as zeros of the parameter's shape (its first step); every tensor written is made unique
/// first (copy-on-write), so the caller's other copies never change. The gradient must have the
/// parameter's element count.
public enum ParameterUpdate {
    /// `torch.optim.SGD`: momentum 0 keeps no buffer; else the buffer starts as the first step's
    /// direction (`OptimizerKernels.sgd`).
    public static func sgd(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float, dampening: Float, nesterov: Bool
    ) {
        precondition(g.count == w.count, "sgd: gradient has \(g.count) elements, parameter \(w.count)")
        let first = momentumBuffer == nil
        if momentum != 0 && first { momentumBuffer = Tensor(zeros: w.shape) }
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                guard let wa = wp.baseAddress, let ga = gp.baseAddress else { return }
                if momentum == 0 {
                    OptimizerKernels.sgd(
                        wa, ga, buffer: nil, count: wp.count, learningRate: learningRate, weightDecay: weightDecay,
                        momentum: 0, dampening: dampening, nesterov: nesterov, firstStep: first)
                    return
                }
                momentumBuffer!.withUnsafeMutableBufferPointer { bp in
                    OptimizerKernels.sgd(
                        wa, ga, buffer: bp.baseAddress, count: wp.count, learningRate: learningRate, weightDecay: weightDecay,
                        momentum: momentum, dampening: dampening, nesterov: nesterov, firstStep: first)
                }
            }
        }
    }

    /// `torch.optim.AdamW` with the bias corrections folded by the caller (`OptimizerKernels.adamw`).
    public static func adamw(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?,
        decay: Float, stepSize: Float, correction2: Float, beta1: Float, beta2: Float, epsilon: Float
    ) {
        withMoments(&w, gradient: g, firstMoment: &firstMoment, secondMoment: &secondMoment, name: "adamw") { wa, ga, ma, va, count in
            OptimizerKernels.adamw(
                wa, ga, firstMoment: ma, secondMoment: va, count: count, decay: decay, stepSize: stepSize,
                correction2: correction2, beta1: beta1, beta2: beta2, epsilon: epsilon)
        }
    }

    /// LAMB with its trust ratio (`OptimizerKernels.lamb`); `correction1` = 1 − β₁ᵗ, `correction2` = 1 − β₂ᵗ.
    public static func lamb(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?,
        learningRate: Float, weightDecay: Float, adapt: Bool, beta1: Float, beta2: Float, epsilon: Float,
        correction1: Float, correction2: Float
    ) {
        withMoments(&w, gradient: g, firstMoment: &firstMoment, secondMoment: &secondMoment, name: "lamb") { wa, ga, ma, va, count in
            OptimizerKernels.lamb(
                wa, ga, firstMoment: ma, secondMoment: va, count: count, learningRate: learningRate,
                weightDecay: weightDecay, adapt: adapt, beta1: beta1, beta2: beta2, epsilon: epsilon,
                correction1: correction1, correction2: correction2)
        }
    }

    /// Runs an Adam-family `kernel(w, g, m, v, count)` on the parameter, its gradient and its two
    /// moment buffers (zero-filled on first use; taken out of the optionals while the kernel runs so
    /// they are not copied on write). An empty parameter runs nothing.
    private static func withMoments(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?, name: String,
        kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        precondition(g.count == w.count, "\(name): gradient has \(g.count) elements, parameter \(w.count)")
        var m = firstMoment ?? Tensor(zeros: w.shape)
        var v = secondMoment ?? Tensor(zeros: w.shape)
        firstMoment = nil
        secondMoment = nil
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in
                        guard let wa = wp.baseAddress, let ga = gp.baseAddress, let ma = mp.baseAddress, let va = vp.baseAddress else { return }
                        kernel(wa, ga, ma, va, wp.count)
                    }
                }
            }
        }
        firstMoment = m
        secondMoment = v
    }

    /// LARS with its trust ratio (`OptimizerKernels.lars`); the buffer starts at zero.
    public static func lars(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float, trustCoefficient: Float, adapt: Bool
    ) {
        withBuffer(&w, gradient: g, buffer: &momentumBuffer, name: "lars") { wa, ga, ba, count in
            OptimizerKernels.lars(
                wa, ga, buffer: ba, count: count, learningRate: learningRate, weightDecay: weightDecay,
                momentum: momentum, trustCoefficient: trustCoefficient, adapt: adapt)
        }
    }

    /// Heavy-ball momentum (`OptimizerKernels.heavyBall`): a nil buffer makes this the first step.
    public static func heavyBall(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float
    ) {
        let first = momentumBuffer == nil
        withBuffer(&w, gradient: g, buffer: &momentumBuffer, name: "heavyBall") { wa, ga, ba, count in
            OptimizerKernels.heavyBall(
                wa, ga, buffer: ba, count: count, learningRate: learningRate, weightDecay: weightDecay,
                momentum: momentum, firstStep: first)
        }
    }

    /// Runs a momentum `kernel(w, g, buffer, count)` on the parameter, its gradient and its buffer
    /// (zero-filled on first use; taken out of the optional while the kernel runs so it is not
    /// copied on write). An empty parameter runs nothing.
    private static func withBuffer(
        _ w: inout Tensor, gradient g: Tensor, buffer: inout Tensor?, name: String,
        kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        precondition(g.count == w.count, "\(name): gradient has \(g.count) elements, parameter \(w.count)")
        var b = buffer ?? Tensor(zeros: w.shape)
        buffer = nil
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                b.withUnsafeMutableBufferPointer { bp in
                    guard let wa = wp.baseAddress, let ga = gp.baseAddress, let ba = bp.baseAddress else { return }
                    kernel(wa, ga, ba, wp.count)
                }
            }
        }
        buffer = b
    }

    /// target ← τ·target + (1 − τ)·source (`OptimizerKernels.movingAverage`).
    public static func movingAverage(_ target: inout Tensor, towards source: Tensor, momentum: Float) {
        precondition(source.count == target.count, "movingAverage: source has \(source.count) elements, target \(target.count)")
        source.withUnsafeBufferPointer { sp in
            target.withUnsafeMutableBufferPointer { tp in
                guard let ta = tp.baseAddress, let sa = sp.baseAddress else { return }
                OptimizerKernels.movingAverage(ta, sa, count: tp.count, momentum: momentum)
            }
        }
    }
}
