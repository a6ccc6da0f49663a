/// Options of BYOL: projector and predictor MLPs and the EMA target's cosine tau schedule
/// `tau = 1 - (1 - tau_base) (cos(pi k / K) + 1) / 2`.
public struct BYOLOptions: Codable, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 4096
    /// Projector output width.
    public var projectorOut: Int = 256
    /// Predictor hidden width.
    public var predictorHidden: Int = 4096
    /// Base EMA momentum of the target network.
    public var tauBase: Double = 0.996
    /// Batch normalisation in the projector and predictor hidden layers.
    public var headBatchNorm: Bool = true

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projectorHidden = "projector_hidden", projectorOut = "projector_out", predictorHidden = "predictor_hidden"
        case tauBase = "tau_base", headBatchNorm = "head_batch_norm"
    }

    /// BYOL paper defaults.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&projectorHidden, .projectorHidden, .atLeast(1))
        try c.load(&projectorOut, .projectorOut, .atLeast(1))
        try c.load(&predictorHidden, .predictorHidden, .atLeast(1))
        try c.load(&tauBase, .tauBase, .halfOpen(0, 1))
        try c.load(&headBatchNorm, .headBatchNorm)
    }
}
