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
    /// Momentum buffers and the step count.
    public private(set) var buffers = MomentumBuffers(name: "momentum_buffer")
    /// Steps taken.
    public var stepCount: Int { buffers.stepCount }
    /// Momentum buffers by path.
    public var momentumBuffers: [String: Tensor] { buffers.buffers }

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
        let (mu, damp, nest) = (momentum, dampening, nesterov)
        buffers.step(of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay) { p, g, buffer, h in
            ParameterUpdate.sgd(
                &p.value, gradient: g, momentumBuffer: &buffer, learningRate: h.learningRate,
                weightDecay: h.weightDecay, momentum: mu, dampening: damp, nesterov: nest)
        }
    }

    /// Momentum buffers (`<path>.momentum_buffer`) and the step count.
    public var state: SafeTensors { buffers.state(kind: "sgd") }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws { try buffers.load(state, file: file) }
}
