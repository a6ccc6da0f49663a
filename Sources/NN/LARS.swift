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
    /// Steps taken.
    public private(set) var stepCount = 0
    /// Momentum buffers by path.
    public private(set) var momentumBuffers: [String: Tensor] = [:]

    /// A LARS optimizer; by default biases and norm parameters are excluded.
    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 1e-6, trustCoefficient: Float = 0.001,
                excludedRoles: Set<ParameterRole> = [.bias, .normScale, .normShift], groups: [ParameterGroup] = []) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trustCoefficient = trustCoefficient
        self.excludedRoles = excludedRoles
        self.groups = groups
    }

    /// One update, in place.
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        stepCount += 1
        let (mu, eta) = (momentum, trustCoefficient)
        model.forEachParameter { path, p in
            guard p.isTrainable, let g = gradients[path] else { return }
            OptimizerSupport.check(g, p, path: path)
            let h = groups.resolve(path: path, role: p.role, learningRate: learningRate, weightDecay: weightDecay)
            let adapt = !excludedRoles.contains(p.role)
            let wd = adapt ? h.weightDecay : 0
            if momentumBuffers[path] == nil { momentumBuffers[path] = Tensor(zeros: p.shape) }
            p.value = p.value.detached
            g.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { w in
                    var q: Float = 1
                    if adapt {
                        var pn = 0.0, dn = 0.0
                        for i in 0..<w.count {
                            let d = Double(gp[i] + wd * w[i])
                            pn += Double(w[i]) * Double(w[i])
                            dn += d * d
                        }
                        if pn > 0 && dn > 0 { q = Float(Double(eta) * pn.squareRoot() / dn.squareRoot()) }
                    }
                    momentumBuffers[path]!.withUnsafeMutableBufferPointer { b in
                        for i in 0..<w.count {
                            b[i] = b[i] * mu + (gp[i] + wd * w[i]) * q
                            w[i] -= h.learningRate * b[i]
                        }
                    }
                }
            }
        }
    }

    /// Momentum buffers (`<path>.mu`) and the step count.
    public var state: SafeTensors {
        OptimizerSupport.save(["mu": momentumBuffers], steps: [:], step: stepCount, kind: "lars")
    }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: ["mu"], fileName: file)
        momentumBuffers = s.buffers["mu"] ?? [:]
        stepCount = s.step
    }
}
