import Backbones
import Objectives

/// Options of SimCLR: the projector MLP and the NT-Xent temperature.
public struct SimCLROptions: RecipeSection, Sendable, Equatable {
    /// Projector hidden width.
    public var projectorHidden: Int = 2048
    /// Projector output width.
    public var projectorOut: Int = 128
    /// NT-Xent temperature τ (0.1 in `retort loss simclr`; solo-learn uses 0.2 on CIFAR).
    public var temperature: Double = 0.1

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("temperature", \.temperature, .positive),
        ]
    }

    /// Defaults: projector 2048 → 128, τ = 0.1.
    public init() {}

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
