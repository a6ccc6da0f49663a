import TensorCore

/// Layer-wise adaptive rate scaling (You et al. 2017) in the form used by SimCLR/BYOL/Barlow Twins
/// reference code: for adapted parameters d ← g + λp, d ← d · η_t ‖p‖/‖d‖ (1 when either norm is 0);
/// excluded parameters (biases and norm parameters, by role) use d ← g with no decay;
/// then b ← μb + d, p ← p - lr·b.
public struct LARS: Optimizer {
    /// The learning rate.
    public var learningRate: Float
    /// μ.
    public var momentum: Float
    /// λ.
    public var weightDecay: Float
    /// η_t, the trust coefficient (0.001 in the paper and Barlow Twins).
    public var trustCoefficient: Float
    /// Roles neither decayed nor adapted.
    public var excludedRoles: Set<ParameterRole>
    /// Per-parameter overrides (learning-rate scale, weight decay).
    public var groups: [ParameterGroup]
    /// Momentum buffers and the step count.
    public private(set) var buffers = MomentumBuffers(name: "mu")
    /// Steps taken.
    public var stepCount: Int { buffers.stepCount }
    /// Momentum buffers by path.
    public var momentumBuffers: [String: Tensor] { buffers.buffers }

    /// A LARS optimizer; by default biases and norm parameters are excluded.
    public init(
        learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 1e-6, trustCoefficient: Float = 0.001,
        excludedRoles: Set<ParameterRole> = [.bias, .normScale, .normShift], groups: [ParameterGroup] = []
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trustCoefficient = trustCoefficient
        self.excludedRoles = excludedRoles
        self.groups = groups
    }

    /// One update, in place (`ParameterUpdate.lars`).
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        let (mu, eta, excluded) = (momentum, trustCoefficient, excludedRoles)
        buffers.step(of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay) { p, g, buffer, h in
            let adapt = !excluded.contains(p.role)
            ParameterUpdate.lars(
                &p.value, gradient: g, momentumBuffer: &buffer, learningRate: h.learningRate,
                weightDecay: adapt ? h.weightDecay : 0, momentum: mu, trustCoefficient: eta, adapt: adapt)
        }
    }

    /// Momentum buffers (`<path>.mu`) and the step count.
    public var state: SafeTensors { buffers.state(kind: "lars") }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws { try buffers.load(state, file: file) }
}
