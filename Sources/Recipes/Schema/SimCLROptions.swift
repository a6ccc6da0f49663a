import Backbones
import Objectives

/// Options of SimCLR: the projector MLP and the NT-Xent temperature.
public struct SimCLROptions: Codable, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 2048
    /// Projector output width.
    public var projectorOut: Int = 128
    /// NT-Xent temperature τ (0.1 in `retort loss simclr`; solo-learn uses 0.2 on CIFAR).
    public var temperature: Double = 0.1

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projectorHidden = "projector_hidden"
        case projectorOut = "projector_out"
        case temperature
    }

    /// Defaults: projector 2048 → 128, τ = 0.1.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&projectorHidden, .projectorHidden, .atLeast(1))
        try c.load(&projectorOut, .projectorOut, .atLeast(1))
        try c.load(&temperature, .temperature, .positive)
    }
}

extension SimCLROptions: ObjectiveConfiguration {
    /// `SimCLR` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        SimCLR(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut, temperature: Float(temperature),
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Two views per sample.
    public func problem(in recipe: Recipe) -> RecipeValueError? { requireViews(2, "simclr", in: recipe) }
}
