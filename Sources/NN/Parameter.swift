import TensorCore

/// What a parameter is for; optimizers choose weight decay and LARS/LAMB adaptation by role.
public enum ParameterRole: String, Sendable, Codable, CaseIterable {
    /// A linear or convolution weight matrix/kernel.
    case weight
    /// An additive bias.
    case bias
    /// A normalisation layer's scale (gamma).
    case normScale
    /// A normalisation layer's shift (beta).
    case normShift
    /// An embedding table (token, position, class token).
    case embedding
    /// A running statistic (BatchNorm mean/variance): saved in checkpoints, never trained.
    case runningStatistic
    /// An integer counter (BatchNorm `num_batches_tracked`): saved as I64, never trained.
    case counter
    /// A learnable scalar scale or temperature (CLIP's log logit scale): no weight decay, as
    /// open_clip excludes parameters with ndim < 2 and `logit_scale` from it.
    case scale

    /// Whether this role is excluded from weight decay and layer-wise adaptation by default
    /// (biases and normalisation parameters, as in LARS/LAMB practice, and learnable scales).
    public var isNormOrBias: Bool { self == .bias || self == .normScale || self == .normShift || self == .scale }
}

/// A tensor owned by a layer, with its role and whether the optimizer updates it.
public struct Parameter: Sendable {
    /// The current value.
    public var value: Tensor
    /// What the parameter is for.
    public var role: ParameterRole
    /// Whether gradients are taken and the optimizer updates it (false for running statistics and
    /// frozen parameters).
    public var isTrainable: Bool

    /// A parameter; running statistics and counters are never trainable.
    public init(_ value: Tensor, role: ParameterRole, isTrainable: Bool = true) {
        self.value = value
        self.role = role
        self.isTrainable = isTrainable && role != .runningStatistic && role != .counter
    }

    /// The shape of the value.
    public var shape: Shape { value.shape }
}
