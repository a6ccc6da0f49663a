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
    /// Steps taken.
    public private(set) var stepCount = 0
    /// First moments by path.
    public private(set) var firstMoments: [String: Tensor] = [:]
    /// Second moments by path.
    public private(set) var secondMoments: [String: Tensor] = [:]
    /// Per-parameter step counts.
    public private(set) var parameterSteps: [String: Int] = [:]

    /// A LAMB optimizer.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-6,
                weightDecay: Float = 0.01, excludedRoles: Set<ParameterRole> = [.bias, .normScale, .normShift],
                groups: [ParameterGroup] = []) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.excludedRoles = excludedRoles
        self.groups = groups
    }

    /// One update, in place.
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        stepCount += 1
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        model.forEachParameter { path, p in
            guard p.isTrainable, let g = gradients[path] else { return }
            OptimizerSupport.check(g, p, path: path)
            let h = groups.resolve(path: path, role: p.role, learningRate: learningRate, weightDecay: weightDecay)
            let adapt = !excludedRoles.contains(p.role)
            let wd = adapt ? h.weightDecay : 0
            let t = (parameterSteps[path] ?? 0) + 1
            parameterSteps[path] = t
            if firstMoments[path] == nil {
                firstMoments[path] = Tensor(zeros: p.shape)
                secondMoments[path] = Tensor(zeros: p.shape)
            }
            let c1 = Float(1 - pow(Double(b1), Double(t))), c2 = Float(1 - pow(Double(b2), Double(t)))
            p.value = p.value.detached
            var r = [Float](repeating: 0, count: p.value.count)
            g.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { w in
                    firstMoments[path]!.withUnsafeMutableBufferPointer { m in
                        secondMoments[path]!.withUnsafeMutableBufferPointer { v in
                            var wn = 0.0, rn = 0.0
                            for i in 0..<w.count {
                                m[i] = b1 * m[i] + (1 - b1) * gp[i]
                                v[i] = b2 * v[i] + (1 - b2) * gp[i] * gp[i]
                                r[i] = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + wd * w[i]
                                wn += Double(w[i]) * Double(w[i])
                                rn += Double(r[i]) * Double(r[i])
                            }
                            let trust: Float = adapt && wn > 0 && rn > 0 ? Float(wn.squareRoot() / rn.squareRoot()) : 1
                            let scale = h.learningRate * trust
                            for i in 0..<w.count { w[i] -= scale * r[i] }
                        }
                    }
                }
            }
        }
    }

    /// Moments (`<path>.exp_avg`, `<path>.exp_avg_sq`), per-parameter and global step counts.
    public var state: SafeTensors {
        OptimizerSupport.save(["exp_avg": firstMoments, "exp_avg_sq": secondMoments], steps: parameterSteps, step: stepCount, kind: "lamb")
    }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: ["exp_avg_sq", "exp_avg"], fileName: file)
        firstMoments = s.buffers["exp_avg"] ?? [:]
        secondMoments = s.buffers["exp_avg_sq"] ?? [:]
        parameterSteps = s.steps
        stepCount = s.step
    }
}
