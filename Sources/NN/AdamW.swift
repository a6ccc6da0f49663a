import Foundation
import TensorCore

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), exactly PyTorch's `torch.optim.AdamW`:
/// p ← p(1 - ηλ); m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²;
/// p ← p - (η / (1-β₁ᵗ)) · m / (sqrt(v) / sqrt(1-β₂ᵗ) + ε).
public struct AdamW: Optimizer {
    /// η.
    public var learningRate: Float
    /// β₁.
    public var beta1: Float
    /// β₂.
    public var beta2: Float
    /// ε.
    public var epsilon: Float
    /// λ (decoupled).
    public var weightDecay: Float
    /// Per-parameter overrides.
    public var groups: [ParameterGroup]
    /// Moments and step counts.
    public private(set) var moments = AdamMoments()
    /// Steps taken.
    public var stepCount: Int { moments.stepCount }

    /// An AdamW optimizer with PyTorch's defaults.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0.01, groups: [ParameterGroup] = []
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.groups = groups
    }

    /// One update, in place (`ParameterUpdate.adamw`).
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        moments.step(of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay) { p, g, m, v, h, t in
            let stepSize = Float(Double(h.learningRate) / (1 - pow(Double(b1), Double(t))))
            let correction2 = Float((1 - pow(Double(b2), Double(t))).squareRoot())
            ParameterUpdate.adamw(
                &p.value, gradient: g, firstMoment: &m, secondMoment: &v, decay: 1 - h.learningRate * h.weightDecay,
                stepSize: stepSize, correction2: correction2, beta1: b1, beta2: b2, epsilon: eps)
        }
    }

    /// Moments (`<path>.exp_avg`, `<path>.exp_avg_sq`), per-parameter and global step counts.
    public var state: SafeTensors { moments.state(kind: "adamw") }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws { try moments.load(state, file: file) }
}
