/// In-place updates of one parameter tensor and its optimizer state, for NN's optimizers and EMA, run by
/// the backend (`Backend.sgd` …; on the CPU `Kernels/OptimizerKernels.swift`). A state tensor passed as
/// nil is created as zeros of the parameter's shape (its first step); every tensor written is made
/// unique first (copy-on-write), so the caller's other copies never change. The gradient must have the
/// parameter's element count.
public enum ParameterUpdate {
    /// `torch.optim.SGD`: momentum 0 keeps no buffer; else the buffer starts as the first step's
    /// direction.
    public static func sgd(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float, dampening: Float, nesterov: Bool
    ) {
        precondition(g.count == w.count, "sgd: gradient has \(g.count) elements, parameter \(w.count)")
        Tensor.backend.sgd(
            &w, gradient: g, momentumBuffer: &momentumBuffer, learningRate: learningRate, weightDecay: weightDecay,
            momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    /// `torch.optim.AdamW` with the bias corrections folded by the caller.
    public static func adamw(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?,
        decay: Float, stepSize: Float, correction2: Float, beta1: Float, beta2: Float, epsilon: Float
    ) {
        withMoments(&w, gradient: g, firstMoment: &firstMoment, secondMoment: &secondMoment, name: "adamw") { w, m, v in
            Tensor.backend.adamw(
                &w, gradient: g, firstMoment: &m, secondMoment: &v, decay: decay, stepSize: stepSize,
                correction2: correction2, beta1: beta1, beta2: beta2, epsilon: epsilon)
        }
    }

    /// LAMB with its trust ratio; `correction1` = 1 − β₁ᵗ, `correction2` = 1 − β₂ᵗ.
    public static func lamb(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?,
        learningRate: Float, weightDecay: Float, adapt: Bool, beta1: Float, beta2: Float, epsilon: Float,
        correction1: Float, correction2: Float
    ) {
        withMoments(&w, gradient: g, firstMoment: &firstMoment, secondMoment: &secondMoment, name: "lamb") { w, m, v in
            Tensor.backend.lamb(
                &w, gradient: g, firstMoment: &m, secondMoment: &v, learningRate: learningRate, weightDecay: weightDecay,
                adapt: adapt, beta1: beta1, beta2: beta2, epsilon: epsilon, correction1: correction1, correction2: correction2)
        }
    }

    /// The two moment buffers of an Adam-family update (zero-filled on first use; taken out of the
    /// optionals while `update` runs so they are not copied on write).
    private static func withMoments(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor?, secondMoment: inout Tensor?, name: String,
        update: (inout Tensor, inout Tensor, inout Tensor) -> Void
    ) {
        precondition(g.count == w.count, "\(name): gradient has \(g.count) elements, parameter \(w.count)")
        var m = firstMoment ?? Tensor(zeros: w.shape)
        var v = secondMoment ?? Tensor(zeros: w.shape)
        firstMoment = nil
        secondMoment = nil
        update(&w, &m, &v)
        firstMoment = m
        secondMoment = v
    }

    /// LARS with its trust ratio; the buffer starts at zero.
    public static func lars(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float, trustCoefficient: Float, adapt: Bool
    ) {
        withBuffer(&w, gradient: g, buffer: &momentumBuffer, name: "lars") { w, b in
            Tensor.backend.lars(
                &w, gradient: g, momentumBuffer: &b, learningRate: learningRate, weightDecay: weightDecay, momentum: momentum,
                trustCoefficient: trustCoefficient, adapt: adapt)
        }
    }

    /// Heavy-ball momentum: a nil buffer makes this the first step.
    public static func heavyBall(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float,
        weightDecay: Float, momentum: Float
    ) {
        let first = momentumBuffer == nil
        withBuffer(&w, gradient: g, buffer: &momentumBuffer, name: "heavyBall") { w, b in
            Tensor.backend.heavyBall(
                &w, gradient: g, momentumBuffer: &b, learningRate: learningRate, weightDecay: weightDecay, momentum: momentum,
                firstStep: first)
        }
    }

    /// The momentum buffer of an update (zero-filled on first use; taken out of the optional while
    /// `update` runs so it is not copied on write).
    private static func withBuffer(
        _ w: inout Tensor, gradient g: Tensor, buffer: inout Tensor?, name: String, update: (inout Tensor, inout Tensor) -> Void
    ) {
        precondition(g.count == w.count, "\(name): gradient has \(g.count) elements, parameter \(w.count)")
        var b = buffer ?? Tensor(zeros: w.shape)
        buffer = nil
        update(&w, &b)
        buffer = b
    }

    /// target ← τ·target + (1 − τ)·source.
    public static func movingAverage(_ target: inout Tensor, towards source: Tensor, momentum: Float) {
        precondition(source.count == target.count, "movingAverage: source has \(source.count) elements, target \(target.count)")
        Tensor.backend.movingAverage(&target, towards: source, momentum: momentum)
    }
}
