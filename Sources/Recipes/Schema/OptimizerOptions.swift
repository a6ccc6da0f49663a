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
    /// For messages.
    public static let kindName = "optimizer"
}

/// The `optimizer` section. Fields that an optimizer does not use are ignored by it
/// (momentum/nesterov: SGD and LARS; betas/eps: AdamW and LAMB; trust_coefficient: LARS).
public struct OptimizerOptions: Codable, Sendable, Equatable {
    /// Which optimizer.
    public var name: OptimizerName = .sgd
    /// Peak learning rate (after warmup).
    public var lr: Double = 0.1
    /// Momentum (SGD, LARS).
    public var momentum: Double = 0.9
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, lr, momentum, nesterov, weightDecay = "weight_decay", betas, eps
        case trustCoefficient = "trust_coefficient", excludeBiasAndNorm = "exclude_bias_and_norm", clipGradNorm = "clip_grad_norm"
    }

    /// SGD defaults.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&name, .name)
        try c.load(&lr, .lr, .positive)
        try c.load(&momentum, .momentum, .halfOpen(0, 1))
        try c.load(&nesterov, .nesterov)
        try c.load(&weightDecay, .weightDecay, .nonNegative)
        try c.load(&betas, .betas, .within(0...0.999999999))
        try c.load(&eps, .eps, .positive)
        try c.load(&trustCoefficient, .trustCoefficient, .positive)
        try c.load(&excludeBiasAndNorm, .excludeBiasAndNorm)
        try c.loadOptional(&clipGradNorm, .clipGradNorm, .positive)
        if nesterov && momentum == 0 { throw c.invalid(.nesterov, "nesterov needs momentum > 0") }
    }
}
