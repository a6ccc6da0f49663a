/// The optimizer names a recipe may use.
public enum OptimizerName: String, RecipeName {
    /// SGD with momentum (optionally Nesterov).
    case sgd
    /// AdamW (decoupled weight decay).
    case adamw
    /// LARS (layer-wise trust ratio, You et al. 2017).
    case lars
    /// LAMB (You et al. 2019).
    case lamb
    /// DOT (Zhao et al. 2023): SGD with separate momentum for the task (μ − Δ) and distillation (μ + Δ)
    /// gradients; needs an objective with `task` and `kd` gradient groups (kd, dkd).
    case dot
    /// For messages.
    public static let kindName = "optimizer"
}

/// The `optimizer` section. Fields that an optimizer does not use are ignored by it
/// (momentum/nesterov: SGD and LARS; betas/eps: AdamW and LAMB; trust_coefficient: LARS; momentum and
/// delta: DOT, which has no Nesterov variant, as mdistiller's DistillationOrientedTrainer).
public struct OptimizerOptions: Codable, Sendable, Equatable {
    /// Which optimizer.
    public var name: OptimizerName = .sgd
    /// Peak learning rate (after warmup).
    public var lr: Double = 0.1
    /// Momentum (SGD, LARS; DOT's μ).
    public var momentum: Double = 0.9
    /// DOT's Δ: task momentum μ − Δ, distillation momentum μ + Δ (mdistiller: 0.075 on CIFAR, 0.09 on ImageNet).
    public var delta: Double = 0.075
    /// Nesterov momentum (SGD).
    public var nesterov: Bool = false
    /// Decoupled (AdamW, LAMB) or L2 (SGD, LARS) weight decay.
    public var weightDecay: Double = 0
    /// Adam betas `[beta1, beta2]`.
    public var betas = RangePair(0.9, 0.999)
    /// Adam epsilon.
    public var eps: Double = 1e-8
    /// LARS trust coefficient eta.
    public var trustCoefficient: Double = 0.001
    /// Exclude biases and normalisation parameters from weight decay and LARS adaptation.
    public var excludeBiasAndNorm: Bool = true
    /// Clip the global gradient norm to this value; nil for no clipping.
    public var clipGradNorm: Double?
    /// Parameter sets with an optimizer of their own (see `OptimizerGroupOptions`); parameters no
    /// group matches are trained by this section's optimizer.
    public var groups: [OptimizerGroupOptions] = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, lr, momentum, delta, nesterov
        case weightDecay = "weight_decay"
        case betas, eps
        case trustCoefficient = "trust_coefficient"
        case excludeBiasAndNorm = "exclude_bias_and_norm"
        case clipGradNorm = "clip_grad_norm"
        case groups
        // Keys of a group only (`OptimizerGroupOptions`).
        case params, schedule
        case freezeSteps = "freeze_steps"
    }

    /// SGD defaults.
    public init() {}

    /// Decodes with defaults and checks; each group starts from this section's values.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for key in [CodingKeys.params, .schedule, .freezeSteps] where c.contains(key) {
            throw c.invalid(key, "\(key.stringValue) belongs in an entry of optimizer.groups", suggestion: "groups")
        }
        try load(from: c)
        if c.contains(.groups), !(try c.decodeNil(forKey: .groups)) {
            var list = try c.nestedUnkeyedContainer(forKey: .groups)
            while !list.isAtEnd { groups.append(try OptimizerGroupOptions(from: try list.superDecoder(), parent: self)) }
        }
    }

    /// Replaces the optimizer fields present in `c` (all but `groups`) and checks them.
    mutating func load(from c: KeyedDecodingContainer<CodingKeys>) throws {
        try c.load(&name, .name)
        try c.load(&lr, .lr, .positive)
        try c.load(&momentum, .momentum, .halfOpen(0, 1))
        try c.load(&delta, .delta, .nonNegative)
        try c.load(&nesterov, .nesterov)
        try c.load(&weightDecay, .weightDecay, .nonNegative)
        try c.load(&betas, .betas, .within(0...0.999999999))
        try c.load(&eps, .eps, .positive)
        try c.load(&trustCoefficient, .trustCoefficient, .positive)
        try c.load(&excludeBiasAndNorm, .excludeBiasAndNorm)
        try c.loadOptional(&clipGradNorm, .clipGradNorm, .positive)
        if nesterov && momentum == 0 { throw c.invalid(.nesterov, "nesterov needs momentum > 0") }
        if name == .dot && (delta > momentum || momentum + delta >= 1) {
            throw c.invalid(
                c.contains(.delta) ? .delta : .momentum,
                "dot needs 0 <= delta <= momentum and momentum + delta < 1 (momentum \(momentum), delta \(delta))")
        }
    }

    /// Encodes the optimizer fields and the groups.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try encodeFields(into: &c)
        if !groups.isEmpty { try c.encode(groups, forKey: .groups) }
    }

    /// Encodes every optimizer field (not the groups).
    func encodeFields(into c: inout KeyedEncodingContainer<CodingKeys>) throws {
        try c.encode(name, forKey: .name)
        try c.encode(lr, forKey: .lr)
        try c.encode(momentum, forKey: .momentum)
        if name == .dot { try c.encode(delta, forKey: .delta) }
        try c.encode(nesterov, forKey: .nesterov)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(betas, forKey: .betas)
        try c.encode(eps, forKey: .eps)
        try c.encode(trustCoefficient, forKey: .trustCoefficient)
        try c.encode(excludeBiasAndNorm, forKey: .excludeBiasAndNorm)
        try c.encodeIfPresent(clipGradNorm, forKey: .clipGradNorm)
    }
}

/// One entry of `optimizer.groups`: a named parameter set with its own optimizer, learning rate,
/// schedule and weight decay, e.g. SimSiam's predictor at a fixed rate or SwAV's prototypes frozen
/// for the first iterations:
/// ```yaml
/// optimizer:
///   name: sgd
///   lr: 0.05
///   groups:
///     - params: ["objective.predictor.*"]   # glob patterns over parameter paths; * matches any run
///       schedule: {name: constant}          # absent: the main schedule's shape, scaled to this lr
///     - params: ["objective.prototypes.*"]
///       freeze_steps: 313                   # no update (and no optimizer state) before this step
///       name: lars                          # any optimizer key overrides the main section's value
/// ```
/// The first group whose pattern matches a parameter owns it. `clip_grad_norm` clips the global
/// norm of all gradients once, so it is set in the main section only.
public struct OptimizerGroupOptions: Codable, Sendable, Equatable {
    /// Glob patterns over parameter paths (`objective.predictor.*`, `fc.*`).
    public var params: [String]
    /// The group's optimizer: the main section's fields overridden by the group's own keys.
    public var optimizer: OptimizerOptions
    /// The group's own schedule (with its `lr` as base); nil: the main schedule's multiplier.
    public var schedule: ScheduleOptions?
    /// Steps during which the group is not updated.
    public var freezeSteps: Int = 0

    /// A group of `params` trained by `optimizer`.
    public init(params: [String], optimizer: OptimizerOptions, schedule: ScheduleOptions? = nil, freezeSteps: Int = 0) {
        self.params = params
        self.optimizer = optimizer
        self.schedule = schedule
        self.freezeSteps = freezeSteps
    }

    /// Decodes a group whose unspecified optimizer fields come from `parent`.
    init(from decoder: any Decoder, parent: OptimizerOptions) throws {
        let c = try decoder.container(keyedBy: OptimizerOptions.CodingKeys.self)
        if c.contains(.groups) { throw c.invalid(.groups, "groups do not nest") }
        if c.contains(.clipGradNorm) { throw c.invalid(.clipGradNorm, "clip_grad_norm applies to all gradients: set it in the optimizer section") }
        params = try c.require(.params, ValueCheck { $0.isEmpty || $0.contains("") ? "must list at least one non-empty pattern" : nil })
        optimizer = parent
        optimizer.groups = []
        optimizer.clipGradNorm = nil
        try optimizer.load(from: c)
        try c.loadOptional(&schedule, .schedule)
        try c.load(&freezeSteps, .freezeSteps, .atLeast(0))
    }

    /// Groups are decoded with their parent section (`OptimizerOptions.init(from:)`).
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, parent: OptimizerOptions())
    }

    /// Encodes the patterns, the schedule, the freeze and every optimizer field (resolved).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: OptimizerOptions.CodingKeys.self)
        try c.encode(params, forKey: .params)
        try optimizer.encodeFields(into: &c)
        try c.encodeIfPresent(schedule, forKey: .schedule)
        try c.encode(freezeSteps, forKey: .freezeSteps)
    }
}
