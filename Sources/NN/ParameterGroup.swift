import Foundation
import TensorCore

/// A set of parameters with their own learning-rate scale and weight decay (PyTorch's param groups).
/// The first group that matches a parameter applies; unmatched parameters use the optimizer's defaults.
public struct ParameterGroup: Sendable {
    /// A name for logs.
    public var name: String
    /// Whether the group applies to the parameter at `path` with `role`.
    public var matches: @Sendable (_ path: String, _ role: ParameterRole) -> Bool
    /// The group's learning rate is the optimizer's (scheduled) rate times this.
    public var learningRateScale: Float
    /// The group's weight decay (nil: the optimizer's).
    public var weightDecay: Float?

    /// A group of the parameters `matches` accepts.
    public init(
        name: String, learningRateScale: Float = 1, weightDecay: Float? = nil,
        matches: @escaping @Sendable (_ path: String, _ role: ParameterRole) -> Bool
    ) {
        self.name = name
        self.matches = matches
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
    }

    /// Biases and normalisation parameters without weight decay (the usual SSL/ViT setting).
    public static func normAndBiasWithoutDecay() -> ParameterGroup {
        ParameterGroup(name: "no_decay", weightDecay: 0) { _, role in role.isNormOrBias }
    }

    /// The parameters whose path starts with `prefix` (e.g. `"head."`).
    public static func prefix(_ prefix: String, learningRateScale: Float = 1, weightDecay: Float? = nil) -> ParameterGroup {
        ParameterGroup(name: prefix, learningRateScale: learningRateScale, weightDecay: weightDecay) { path, _ in path.hasPrefix(prefix) }
    }
}
