import Backbones
import Objectives

/// Options of BYOL: projector and predictor MLPs and the EMA target's cosine tau schedule
/// `tau = 1 - (1 - tau_base) (cos(pi k / K) + 1) / 2`.
public struct BYOLOptions: RecipeSection, Sendable, Equatable {
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

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("predictor_hidden", \.predictorHidden, .atLeast(1)),
            .init("tau_base", \.tauBase, .halfOpen(0, 1)),
            .init("head_batch_norm", \.headBatchNorm),
        ]
    }

    /// BYOL paper defaults.
    public init() {}

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
