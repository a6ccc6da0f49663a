import Foundation
import TensorCore

/// Layer-wise adaptive moments (You et al. 2020, Algorithm 2 with bias correction):
/// m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²; r ← (m/(1-β₁ᵗ)) / (sqrt(v/(1-β₂ᵗ)) + ε) + λp;
/// p ← p - η · (‖p‖/‖r‖) · r, with the trust ratio 1 when either norm is 0. Excluded roles
/// (biases, norm parameters by default) get no decay and trust ratio 1.
public struct LAMB: Optimizer {
    /// η.
    public var learningRate: Float
    /// β₁.
    public var beta1: Float
    /// β₂.
    public var beta2: Float
    /// ε.
    public var epsilon: Float
    /// λ.
    public var weightDecay: Float
    /// Roles neither decayed nor adapted.
    public var excludedRoles: Set<ParameterRole>
    /// Per-parameter overrides.
    public var groups: [ParameterGroup]
    /// Moments and step counts.
    public private(set) var moments = AdamMoments()
    /// Steps taken.
    public var stepCount: Int { moments.stepCount }

    /// A LAMB optimizer.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-6,
        weightDecay: Float = 0.01, excludedRoles: Set<ParameterRole> = [.bias, .normScale, .normShift],
        groups: [ParameterGroup] = []
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.excludedRoles = excludedRoles
        self.groups = groups
    }

    /// One update, in place (`ParameterUpdate.lamb`).
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        let (b1, b2, eps, excluded) = (beta1, beta2, epsilon, excludedRoles)
        moments.step(of: &model, gradients: gradients, groups: groups, learningRate: learningRate, weightDecay: weightDecay) { p, g, m, v, h, t in
            let adapt = !excluded.contains(p.role)
            let c1 = Float(1 - pow(Double(b1), Double(t)))
            let c2 = Float(1 - pow(Double(b2), Double(t)))
            ParameterUpdate.lamb(
                &p.value, gradient: g, firstMoment: &m, secondMoment: &v, learningRate: h.learningRate,
                weightDecay: adapt ? h.weightDecay : 0, adapt: adapt, beta1: b1, beta2: b2, epsilon: eps, correction1: c1,
                correction2: c2)
        }
    }

    /// Moments (`<path>.exp_avg`, `<path>.exp_avg_sq`), per-parameter and global step counts.
    public var state: SafeTensors { moments.state(kind: "lamb") }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws { try moments.load(state, file: file) }
}
