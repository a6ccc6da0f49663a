import Backbones
import Objectives

/// Options of SimSiam: the projector and predictor MLPs.
public struct SimSiamOptions: RecipeSection, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 2048
    /// Projector output width (the predictor's input and output).
    public var projectorOut: Int = 2048
    /// Predictor bottleneck width.
    public var predictorHidden: Int = 512

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("predictor_hidden", \.predictorHidden, .atLeast(1)),
        ]
    }

    /// Paper defaults: 2048 → 2048, bottleneck 512.
    public init() {}

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
