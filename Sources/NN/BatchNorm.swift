import TensorCore

/// Batch normalisation (Ioffe & Szegedy 2015) over channel C of `[N, C]` (1-D) or `[N, C, H, W]`
/// (2-D), with PyTorch's names: `weight` (γ), `bias` (β), `running_mean`, `running_var`,
/// `num_batches_tracked`. With `Context.syncBatchNorm` in a data-parallel run, training statistics are
/// taken over every rank's part of the batch (PyTorch's `SyncBatchNorm`; see `Tensor.batchNorm`).
///
/// Decision: `forward` is `mutating`. A training forward updates the running statistics in place
/// (`r ← (1 − momentum)·r + momentum·s`, unbiased variance) and increments the counter; inference
/// uses the running statistics. Run training forwards on the model itself (after
/// `watchParameters(on:)`), so the statistics land in the model with no copies.
public struct BatchNorm: TensorLayer {
    /// γ, `[C]`, initialised to 1 (0 for zero-init-residual last BNs).
    public var weight: Parameter
    /// β, `[C]`, initialised to 0.
    public var bias: Parameter
    /// The running mean, `[C]`.
    public var runningMean: Parameter
    /// The running (unbiased) variance, `[C]`.
    public var runningVariance: Parameter
    /// The number of training batches seen (saved as I64 `num_batches_tracked`).
    public var batchesTracked: Parameter
    /// The running-statistics momentum (PyTorch's 0.1).
    public var momentum: Float
    /// ε.
    public var epsilon: Float

    /// A BatchNorm over `featureCount` channels; `zeroScale` initialises γ to 0 (zero-init residual).
    public init(featureCount: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, zeroScale: Bool = false) {
        weight = Parameter(Tensor(repeating: zeroScale ? 0 : 1, shape: [featureCount]), role: .normScale)
        bias = Parameter(Tensor(zeros: [featureCount]), role: .normShift)
        runningMean = Parameter(Tensor(zeros: [featureCount]), role: .runningStatistic)
        runningVariance = Parameter(Tensor(repeating: 1, shape: [featureCount]), role: .runningStatistic)
        batchesTracked = Parameter(Tensor(zeros: []), role: .counter)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The channel count C.
    public var featureCount: Int { weight.shape[0] }

    /// Visits `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
        visitor.visit("bias", &bias)
        visitor.visit("running_mean", &runningMean)
        visitor.visit("running_var", &runningVariance)
        visitor.visit("num_batches_tracked", &batchesTracked)
    }

    /// `[N, C]` or `[N, C, H, W]` -> same shape.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        forward(input, adding: nil, relu: false, context: &context)
    }

    /// `relu(bn(input) + residual)` in one pass (`Tensor.batchNorm`'s fused tail; the bits of the separate ops):
    /// the ends of a ResNet block's branches. `[N, C]` or `[N, C, H, W]` -> same shape; `residual` the same shape.
    public mutating func forward(_ input: Tensor, adding residual: Tensor?, relu: Bool, context: inout Context) -> Tensor {
        let training = context.isTraining
        let y = Tensor.batchNorm(
            input, scale: weight.value, shift: bias.value, runningMean: &runningMean.value,
            runningVariance: &runningVariance.value, training: training,
            momentum: momentum, epsilon: epsilon, group: context.syncBatchNorm ? context.trainingGroup : nil, adding: residual,
            relu: relu)
        if training { batchesTracked.value = batchesTracked.value + 1 }
        return y
    }
}
