import Backbones
import Objectives

/// Options of PixPro (zdaxie/PixPro; defaults from `tools/pixpro_base_r50_400ep.sh`, not
/// `option.py`): the MLP2d projector, the pixel propagation module (`transform_layers`, `gamma`,
/// `clamp`), the positive-pair `threshold` (`pixpro_pos_ratio`), the momentum branch's cosine
/// schedule `tau = 1 - (1 - tau_base) (cos(pi k / K) + 1) / 2` and the optional instance branch.
public struct PixProOptions: RecipeSection, Sendable, Equatable {
    /// Projector (MLP2d) hidden width (the reference's inner_dim).
    public var projectorHidden: Int = 4096
    /// Projector output width (the propagation module's C).
    public var projectorOut: Int = 256
    /// Layers of the propagation module's value transform: 0 identity, 1 conv1x1, 2 MLP2d (`pixpro_transform_layer`).
    public var transformLayers: Int = 1
    /// Sharpness γ of the propagation similarities (`pixpro_p`).
    public var gamma: Double = 2
    /// Lower clamp of the propagation similarities (`pixpro_clamp_value`).
    public var clamp: Double = 0
    /// Positive-pair threshold in bin diagonals (`pixpro_pos_ratio`).
    public var threshold: Double = 0.7
    /// Base EMA momentum of the key branch (`pixpro_momentum`).
    public var tauBase: Double = 0.99
    /// Weight of the instance branch's loss (`pixpro_ins_loss_weight`; 0: no instance branch).
    public var instanceWeight: Double = 0
    /// Instance predictor (MLP2d) hidden width.
    public var predictorHidden: Int = 4096

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("transform_layers", \.transformLayers, ValueCheck { (0...2).contains($0) ? nil : "must be 0, 1 or 2, got \($0)" }),
            .init("gamma", \.gamma, .positive),
            .init("clamp", \.clamp, .within(-1...1)),
            .init("threshold", \.threshold, .positive),
            .init("tau_base", \.tauBase, .halfOpen(0, 1)),
            .init("instance_weight", \.instanceWeight, .nonNegative),
            .init("predictor_hidden", \.predictorHidden, .atLeast(1)),
        ]
    }

    /// The reference script's defaults.
    public init() {}

}

extension PixProOptions: ObjectiveConfiguration {
    /// `PixPro` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        PixPro(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut, transformLayers: transformLayers,
            gamma: Float(gamma), clamp: Float(clamp), threshold: Float(threshold), baseMomentum: Float(tauBase),
            instanceWeight: Float(instanceWeight), predictorHidden: predictorHidden,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Two views per sample.
    public func problem(in recipe: Recipe) -> RecipeValueError? { requireViews(2, "pixpro", in: recipe) }
}
