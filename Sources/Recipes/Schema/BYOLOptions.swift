import Backbones
import Objectives

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
        case projectorHidden = "projector_hidden"
        case projectorOut = "projector_out"
        case predictorHidden = "predictor_hidden"
        case tauBase = "tau_base"
        case headBatchNorm = "head_batch_norm"
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

extension BYOLOptions: ObjectiveConfiguration {
    /// `BYOL` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        BYOL(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut, predictorHidden: predictorHidden,
            headBatchNorm: headBatchNorm, baseMomentum: Float(tauBase),
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Two views per sample.
    public func problem(in recipe: Recipe) -> RecipeValueError? { requireViews(2, "byol", in: recipe) }
}
