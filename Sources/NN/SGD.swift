import TensorCore

/// Stochastic gradient descent with momentum, dampening, Nesterov and coupled weight decay, exactly
/// PyTorch's `torch.optim.SGD`: g ← g + λp; b ← g (first step) or μb + (1-τ)g; g ← g + μb (Nesterov)
/// or b; p ← p - η g.
public struct SGD: Optimizer {
    /// η.
    public var learningRate: Float
    /// μ.
    public var momentum: Float
    /// τ.
    public var dampening: Float
    /// Nesterov momentum.
    public var nesterov: Bool
    /// λ (added to the gradient).
    public var weightDecay: Float
    /// Per-parameter overrides.
    public var groups: [ParameterGroup]
    /// Steps taken.
    public private(set) var stepCount = 0
    /// Momentum buffers by path.
    public private(set) var momentumBuffers: [String: Tensor] = [:]

    /// An SGD optimizer.
    public init(
        learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false,
        weightDecay: Float = 0, groups: [ParameterGroup] = []
    ) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.groups = groups
    }

    /// One update, in place (`ParameterUpdate.sgd`).
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        stepCount += 1
        let (mu, damp, nest) = (momentum, dampening, nesterov)
        OptimizerSupport.forEachUpdate(
            of: &model, gradients: gradients, groups: groups, learningRate: learningRate,
            weightDecay: weightDecay
        ) { path, p, g, h in
            ParameterUpdate.sgd(
                &p.value, gradient: g, momentumBuffer: &momentumBuffers[path], learningRate: h.learningRate,
                weightDecay: h.weightDecay, momentum: mu, dampening: damp, nesterov: nest)
        }
    }

    /// Momentum buffers (`<path>.momentum_buffer`) and the step count.
    public var state: SafeTensors {
        OptimizerSupport.save(["momentum_buffer": momentumBuffers], steps: [:], step: stepCount, kind: "sgd")
    }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: ["momentum_buffer"], fileName: file)
        momentumBuffers = s.buffers["momentum_buffer"] ?? [:]
        stepCount = s.step
    }
}
