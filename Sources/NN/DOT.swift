import TensorCore

/// Distillation-Oriented Trainer (Zhao et al., ICCV 2023; mdistiller `mdistiller/engine/dot.py::
/// DistillationOrientedTrainer`): SGD with two momentum buffers per parameter, one for the task
/// gradient (momentum μ − Δ) and one for the distillation gradient (μ + Δ), both applied each step.
///
/// It takes the gradient groups named `task` and `kd` (`Objective.gradientGroups`: the objective's
/// cross-entropy terms and its distillation terms). Per parameter θ, with λ the weight decay,
/// η the learning rate and μ̄ = ((μ − Δ) + (μ + Δ))/2 = μ, first the task update:
///
///     d = g_task + λθ
///     v_task = d (first update) | (μ − Δ)·v_task + d (θ also has a kd gradient) | μ̄·v_task + d (task only)
///     θ ← θ − η·v_task
///
/// then the distillation update:
///
///     v_kd = g_kd (first update, no weight decay) | (μ + Δ)·v_kd + g_kd (θ also has a task gradient)
///          | μ̄·v_kd + g_kd + λθ (kd only: the weight decay moves here)
///     θ ← θ − η·v_kd
///
/// Dampening 0, no Nesterov, as the reference. With Δ = 0 and every parameter in both groups it is
/// SGD(μ, λ) on the summed loss (up to Float32 rounding). A parameter belongs to a group when the
/// group's gradients contain its path (the run loop gives every trainable parameter both, zeros
/// where a term does not reach it, so in a run every parameter is "shared"); `step(model:gradients:)`
/// alone treats the gradients as task gradients (then every parameter is task-only: SGD with μ).
/// State keys follow the reference: `<path>.momentum_buffer` (task) and `<path>.momentum_kd_buffer`.
public struct DOT: Optimizer {
    /// The name of the task-gradient group.
    public static let taskGroup = "task"
    /// The name of the distillation-gradient group.
    public static let distillationGroup = "kd"

    /// η.
    public var learningRate: Float
    /// μ (the task momentum is μ − Δ, the distillation momentum μ + Δ).
    public var momentum: Float
    /// Δ.
    public var delta: Float
    /// λ (coupled: added to the gradient, as in SGD).
    public var weightDecay: Float
    /// Per-parameter overrides (learning-rate scale, weight decay).
    public var groups: [ParameterGroup]
    /// Steps taken.
    public private(set) var stepCount = 0
    /// Task momentum buffers by path.
    public private(set) var taskBuffers: [String: Tensor] = [:]
    /// Distillation momentum buffers by path.
    public private(set) var distillationBuffers: [String: Tensor] = [:]

    /// A DOT optimizer; μ − Δ must be ≥ 0.
    public init(learningRate: Float, momentum: Float = 0.9, delta: Float = 0.075, weightDecay: Float = 0, groups: [ParameterGroup] = []) {
        precondition(momentum - delta >= 0, "DOT: momentum − delta must be ≥ 0, got \(momentum) − \(delta)")
        self.learningRate = learningRate
        self.momentum = momentum
        self.delta = delta
        self.weightDecay = weightDecay
        self.groups = groups
    }

    /// DOT needs the task and distillation gradients apart.
    public var separatesGradientGroups: Bool { true }

    /// One update with `gradients` as task gradients only (no distillation group).
    public mutating func step<M: Layer>(model: inout M, gradients: [String: Tensor]) {
        update(model: &model, task: gradients, distillation: [:])
    }

    /// One update from the groups `task` and `kd` (a missing group counts as empty).
    public mutating func step<M: Layer>(model: inout M, gradientGroups: [(name: String, gradients: [String: Tensor])]) {
        for g in gradientGroups {
            precondition(
                g.name == Self.taskGroup || g.name == Self.distillationGroup,
                "DOT: gradient group '\(g.name)' is neither '\(Self.taskGroup)' nor '\(Self.distillationGroup)'")
        }
        let task = gradientGroups.first { $0.name == Self.taskGroup }?.gradients ?? [:]
        let kd = gradientGroups.first { $0.name == Self.distillationGroup }?.gradients ?? [:]
        update(model: &model, task: task, distillation: kd)
    }

    private mutating func update<M: Layer>(model: inout M, task: [String: Tensor], distillation: [String: Tensor]) {
        stepCount += 1
        let (taskMomentum, kdMomentum, meanMomentum) = (momentum - delta, momentum + delta, ((momentum - delta) + (momentum + delta)) / 2)
        model.forEachParameter { path, p in
            guard p.isTrainable else { return }
            let gTask = task[path]
            let gKD = distillation[path]
            guard gTask != nil || gKD != nil else { return }
            let h = groups.resolve(path: path, role: p.role, learningRate: learningRate, weightDecay: weightDecay)
            p.value = p.value.detached
            if let g = gTask {
                OptimizerSupport.check(g, p, path: path)
                Self.momentumStep(
                    &p.value, &taskBuffers[path], gradient: g, momentum: gKD != nil ? taskMomentum : meanMomentum,
                    decay: h.weightDecay, decayOnFirst: true, learningRate: h.learningRate)
            }
            if let g = gKD {
                OptimizerSupport.check(g, p, path: path)
                Self.momentumStep(
                    &p.value, &distillationBuffers[path], gradient: g, momentum: gTask != nil ? kdMomentum : meanMomentum,
                    decay: gTask != nil ? 0 : h.weightDecay, decayOnFirst: false, learningRate: h.learningRate)
            }
        }
    }

    /// d = g + λθ (λ = 0 on a first update unless `decayOnFirst`); b = d (first) or m·b + d; θ ← θ − η·b
    /// (`ParameterUpdate.heavyBall`).
    private static func momentumStep(
        _ value: inout Tensor, _ buffer: inout Tensor?, gradient g: Tensor, momentum m: Float,
        decay: Float, decayOnFirst: Bool, learningRate lr: Float
    ) {
        let lambda = buffer == nil && !decayOnFirst ? 0 : decay
        ParameterUpdate.heavyBall(&value, gradient: g, momentumBuffer: &buffer, learningRate: lr, weightDecay: lambda, momentum: m)
    }

    /// Both buffer sets (`<path>.momentum_buffer`, `<path>.momentum_kd_buffer`) and the step count.
    public var state: SafeTensors {
        OptimizerSupport.save(["momentum_buffer": taskBuffers, "momentum_kd_buffer": distillationBuffers], steps: [:], step: stepCount, kind: "dot")
    }

    /// Restores `state`.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        let s = try OptimizerSupport.load(state, names: ["momentum_kd_buffer", "momentum_buffer"], fileName: file)
        taskBuffers = s.buffers["momentum_buffer"] ?? [:]
        distillationBuffers = s.buffers["momentum_kd_buffer"] ?? [:]
        stepCount = s.step
    }
}
