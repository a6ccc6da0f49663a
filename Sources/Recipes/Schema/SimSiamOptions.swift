import Backbones
import Objectives

/// Options of SimSiam: the projector and predictor MLPs.
public struct SimSiamOptions: Codable, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 2048
    /// Projector output width (the predictor's input and output).
    public var projectorOut: Int = 2048
    /// Predictor bottleneck width.
    public var predictorHidden: Int = 512

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projectorHidden = "projector_hidden"
        case projectorOut = "projector_out"
        case predictorHidden = "predictor_hidden"
    }

    /// Paper defaults: 2048 → 2048, bottleneck 512.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&projectorHidden, .projectorHidden, .atLeast(1))
        try c.load(&projectorOut, .projectorOut, .atLeast(1))
        try c.load(&predictorHidden, .predictorHidden, .atLeast(1))
    }
}

extension SimSiamOptions: ObjectiveConfiguration {
    /// `SimSiam` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        SimSiam(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut, predictorHidden: predictorHidden,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Two views per sample.
    public func problem(in recipe: Recipe) -> RecipeValueError? { requireViews(2, "simsiam", in: recipe) }
}
