import Support

/// The kernels TensorCore's ops run on: every op that computes on tensor data (matrix products,
/// convolution, pooling, normalisation, elementwise maps as enumerated ops, reductions and softmax, copies and
/// gathers, host reads, optimizer and EMA updates, and two iterative solvers) calls it through this protocol, on
/// tensors, and keeps only its shape checks, its tape recording and its pullback's algebra. Methods take tensors
/// and return new ones (or update the `inout` ones in place), untraced; shapes are already checked.
///
/// `CPUBackend` (OpenBLAS, our SIMD kernels and host loops, `Sources/TensorCore/CPU`) is the one implementation;
/// it is the only part of TensorCore that imports `Kernels`. A CUDA backend would implement the same methods on
/// device memory (cuBLAS GEMM, cuDNN convolution and normalisation, NVRTC-compiled elementwise, reduction and
/// update kernels) once `TensorStorage` can hold a device buffer and name its backend (docs/architecture.md).
public protocol Backend: Sendable {
    /// What runs the kernels, for logs and benchmark lines (e.g. "cpu (OpenBLAS Cooperlake)").
    var name: String { get }

    /// `x · weightᵀ + bias` for `x` `[rows, in]`, `weight` `[out, in]`, `bias` `[out]` (or none): `[rows, out]`.
    func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor

    // MARK: Attention

    /// Multi-head attention from packed `qkv` `[B, T, 3·D]` (`Tensor.attention`): the output `[B, T, D]` and,
    /// with `keepWeights`, the softmax weights `[B, H, T, T]` the gradient needs. `bias` `[1 or B, 1, T, T]`.
    func attention(_ qkv: Tensor, heads: Int, bias: Tensor?, keepWeights: Bool) -> (output: Tensor, weights: Tensor?)

    /// The gradient `[B, T, 3·D]` of `attention` with respect to `qkv`, given the output's gradient `[B, T, D]`.
    func attentionGradient(_ gradOutput: Tensor, qkv: Tensor, weights: Tensor, heads: Int) -> Tensor

    // MARK: Matrix products

    /// `op(a_i) · op(b_i)` for `batch` matrices (`b` shared by all when `sharedB`): `a` holds `[batch, M, K]`
    /// (or `[batch, K, M]` with `transposeA`), `b` `[batch?, K, N]` (or transposed); the result has `shape`.
    func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, batch: Int, m: Int, n: Int, k: Int, sharedB: Bool,
        shape: Shape
    ) -> Tensor

    // MARK: Convolution and pooling (NCHW)

    /// Cross-correlation of `x` `[N, C, H, W]` with `weight` `[O, C/groups, KH, KW]` plus `bias` `[O]`.
    func convolution(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry) -> Tensor
    /// The convolution's gradients for the inputs asked for.
    func convolutionGradients(
        _ gradOutput: Tensor, x: Tensor, weight: Tensor, geometry: ConvolutionGeometry, input: Bool, weights: Bool, bias: Bool
    ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?)
    /// Max pooling: the output and the flat input index of each window's (first) maximum.
    func maxPool(_ x: Tensor, geometry: ConvolutionGeometry) -> (output: Tensor, argmax: [Int32])
    /// Max pooling's input gradient `[N, C, H, W]`: each output gradient added at its argmax.
    func maxPoolGradient(_ gradOutput: Tensor, argmax: [Int32], geometry: ConvolutionGeometry) -> Tensor
    /// Average pooling (zero padding counted in the divisor).
    func averagePool(_ x: Tensor, geometry: ConvolutionGeometry) -> Tensor
    /// Average pooling's input gradient.
    func averagePoolGradient(_ gradOutput: Tensor, geometry: ConvolutionGeometry) -> Tensor
    /// The mean of each of `planes` planes of `hw` values: `[planes]` values in `shape`.
    func planeMeans(_ x: Tensor, planes: Int, hw: Int, shape: Shape) -> Tensor
    /// Each plane's gradient `gradOutput[p] / hw` spread over its `hw` values, in `shape`.
    func planeMeansGradient(_ gradOutput: Tensor, planes: Int, hw: Int, shape: Shape) -> Tensor

    // MARK: Normalisation, on `[outer, channels, inner]` (batch norm) or `[rows, d]` (layer norm)

    /// Per-channel mean and biased variance.
    func channelStatistics(_ x: Tensor, outer: Int, channels: Int, inner: Int) -> (mean: Tensor, variance: Tensor)
    /// `y = (x − mean[c])·invStd[c]·scale[c] + shift[c]`, plus `residual` (x's shape) when given, then ReLU when
    /// `relu` (one pass: a ResNet block's BN, residual add and ReLU).
    func batchNorm(
        _ x: Tensor, mean: Tensor, invStd: Tensor, scale: Tensor, shift: Tensor, residual: Tensor?, relu: Bool, outer: Int,
        channels: Int, inner: Int
    ) -> Tensor
    /// A running statistic updated in place: `r ← (1 − momentum)·r + momentum·s·factor` (batch norm's running
    /// mean with factor 1, running variance with the Bessel factor).
    func runningUpdate(_ r: inout Tensor, with s: Tensor, momentum: Float, factor: Float)
    /// Per-channel `Σ dy·(x − μ)·invStd` (the scale gradient) and `Σ dy` (the shift gradient).
    func batchNormGradientSums(
        _ gradOutput: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, outer: Int, channels: Int, inner: Int
    ) -> (scale: Tensor, shift: Tensor)
    /// Batch norm's input gradient from the channel sums over `count` values (`training`: batch statistics).
    func batchNormInputGradient(
        _ gradOutput: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, scale: Tensor, training: Bool, sumScale: [Float],
        sumShift: [Float], count: Int, outer: Int, channels: Int, inner: Int
    ) -> Tensor
    /// Layer norm over rows of `d`: the output and each row's mean and 1/√(var + ε).
    func layerNorm(_ x: Tensor, rows: Int, d: Int, epsilon: Float, scale: Tensor?, shift: Tensor?) -> (output: Tensor, mean: Tensor, invStd: Tensor)
    /// Layer norm's gradients: the input's, and the scale's and shift's when asked.
    func layerNormGradients(
        _ gradOutput: Tensor, x: Tensor, rows: Int, d: Int, scale: Tensor?, mean: Tensor, invStd: Tensor, scaleGradient: Bool,
        shiftGradient: Bool
    ) -> (input: Tensor, scale: Tensor?, shift: Tensor?)

    // MARK: Elementwise

    /// `op(a, b)` on two tensors of one count, in `a`'s shape.
    func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor
    /// `op(a, b)` of shape `shape` with broadcasting along rows: output row `r` of `inner` values is
    /// `op(a[offsets(r).a ..<], b[offsets(r).b ..<])` (both contiguous along the row).
    func binaryRows(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, shape: Shape, inner: Int, offsets: @Sendable (Int) -> (Int, Int)) -> Tensor
    /// `op` applied to every element of `x` (`x`'s shape).
    func map(_ op: ElementOp, _ x: Tensor) -> Tensor
    /// `op(a, b)` with NumPy broadcasting; `name` is the op in shape errors.
    func map(_ op: PairOp, _ a: Tensor, _ b: Tensor, name: String) -> Tensor
    /// `a += b` in place (same count).
    func addInPlace(_ a: inout Tensor, _ b: Tensor)
    /// max(x, 0).
    func relu(_ x: Tensor) -> Tensor
    /// GELU, erf form (PyTorch's CPU approximation of erf).
    func gelu(_ x: Tensor) -> Tensor
    /// `g · GELU′(x)`.
    func geluGradient(_ g: Tensor, x: Tensor) -> Tensor

    // MARK: Copies

    /// The dimensions reordered (output dim i is input dim `order[i]`).
    func permute(_ x: Tensor, order: [Int]) -> Tensor
    /// `parts` joined along the middle axis of their `[outer, sizes[i], inner]` views, into `shape`.
    func concatenate(_ parts: [Tensor], outer: Int, sizes: [Int], inner: Int, shape: Shape) -> Tensor
    /// Indices `range` of the middle axis of `x`'s `[outer, n, inner]` view, into `shape`.
    func slice(_ x: Tensor, outer: Int, n: Int, inner: Int, range: Range<Int>, shape: Shape) -> Tensor
    /// `g` (a slice's gradient) placed at `range` of a zero tensor of `shape` (`[outer, n, inner]`).
    func unslice(_ g: Tensor, outer: Int, n: Int, inner: Int, range: Range<Int>, shape: Shape) -> Tensor

    /// Rows `indices` of the middle axis of `x`'s `[outer, n, inner]` view, into `shape` (`[outer, k, inner]`).
    func indexSelect(_ x: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor
    /// `indexSelect`'s gradient: `g` scatter-added back into a zero tensor of `shape` (repeated indices
    /// accumulate in index order).
    func indexSelectGradient(_ g: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor
    /// One element per `(outer, inner)` position: `out[o, i] = x[o, indices[o, i], i]`, into `shape`.
    func gather(_ x: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor
    /// `gather`'s gradient scatter-added into a zero tensor of `shape`.
    func gatherGradient(_ g: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor

    // MARK: Reductions and row maps, on `[outer, n, inner]` views (rows of n values spaced inner apart)

    /// One value per row: `[outer, 1, inner]` values in `shape`.
    func reduce(_ x: Tensor, _ op: Reduction, outer: Int, n: Int, inner: Int, shape: Shape) -> Tensor
    /// The sum of all elements (accumulated in Float64).
    func sum(_ x: Tensor) -> Float
    /// Softmax (or log-softmax, `log`) of every row, shifted by the row maximum; `x`'s shape.
    func softmax(_ x: Tensor, log: Bool, outer: Int, n: Int, inner: Int) -> Tensor

    // MARK: Host reads (results small enough to return as arrays)

    /// The index of each row's maximum (first on ties), `[outer · inner]`.
    func argmax(_ x: Tensor, outer: Int, n: Int, inner: Int) -> [Int32]
    /// The `k` largest of each of `rows` rows of `n` (descending, ties by lower index) and their indices.
    func topK(_ x: Tensor, rows: Int, n: Int, k: Int) -> (values: [Float], indices: [Int32])
    /// Σ x² in Float64.
    func sumOfSquares(_ x: Tensor) -> Double
    /// Whether every element is finite.
    func isFinite(_ x: Tensor) -> Bool
    /// Per-column Σ x and Σ x² of a matrix `[n, d]`, in Float64.
    func columnSums(_ x: Tensor, n: Int, d: Int) -> (sum: [Double], sumOfSquares: [Double])

    // MARK: Solvers

    /// SeLa's `P^λ` `[N, K]` in Float64 from logits `[N, K]`: `exp(λ·(x − logsumexp_row(x)))`.
    func selfLabelPowers(_ logits: Tensor, lambda: Double) -> [Double]
    /// SeLa's Float64 Sinkhorn-Knopp scaling of `powers` `[N, K]` from `r = 1/K`, `c = 1/N` (see
    /// `SelfLabelLosses.labels`): the scalings, the updates run and the last error.
    func selfLabelScaling(_ powers: [Double], samples n: Int, clusters k: Int, maxIterations: Int) -> (
        r: [Double], c: [Double], iterations: Int, error: Double
    )

    /// t-SNE's Gaussian conditionals `[N·N]` from the Gram matrix `[N, N]` of the points, each row
    /// calibrated to `targetEntropy` nats (see `TSNE`).
    func tsneConditionals(gram: Tensor, targetEntropy: Double) -> [Float]
    /// t-SNE's per-row attractive and repulsive forces `[2N]` each and similarity sums `[N]` of the map
    /// `(x, y)` under affinities `p` `[N·N]` (see `TSNE`).
    func tsneForces(p: [Float], x: [Float], y: [Float]) -> (attraction: [Float], repulsion: [Float], z: [Double])

    // MARK: Parameter updates, in place (see `ParameterUpdate` for the formulas)

    /// `torch.optim.SGD` on `w` with its momentum buffer (nil: momentum 0, or first step).
    func sgd(
        _ w: inout Tensor, gradient: Tensor, momentumBuffer: inout Tensor?, learningRate: Float, weightDecay: Float,
        momentum: Float, dampening: Float, nesterov: Bool)
    /// AdamW with the bias corrections folded by the caller.
    func adamw(
        _ w: inout Tensor, gradient: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor, decay: Float, stepSize: Float,
        correction2: Float, beta1: Float, beta2: Float, epsilon: Float)
    /// LAMB with its trust ratio.
    func lamb(
        _ w: inout Tensor, gradient: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor, learningRate: Float,
        weightDecay: Float, adapt: Bool, beta1: Float, beta2: Float, epsilon: Float, correction1: Float, correction2: Float)
    /// LARS with its trust ratio.
    func lars(
        _ w: inout Tensor, gradient: Tensor, momentumBuffer: inout Tensor, learningRate: Float, weightDecay: Float,
        momentum: Float, trustCoefficient: Float, adapt: Bool)
    /// Heavy-ball momentum (`firstStep`: the buffer becomes the direction).
    func heavyBall(
        _ w: inout Tensor, gradient: Tensor, momentumBuffer: inout Tensor, learningRate: Float, weightDecay: Float,
        momentum: Float, firstStep: Bool)
    /// `target ← τ·target + (1 − τ)·source`.
    func movingAverage(_ target: inout Tensor, towards source: Tensor, momentum: Float)
}

/// An elementwise function of one tensor (the ops with a gradient use these, forward and backward).
public enum ElementOp: Sendable {
    /// −x.
    case negate
    /// x + s.
    case add(Float)
    /// x · s.
    case scale(Float)
    /// eˣ.
    case exp
    /// ln x.
    case log
    /// √x.
    case sqrt
    /// xᵖ.
    case pow(Float)
    /// p·xᵖ⁻¹ (the derivative of xᵖ).
    case powDerivative(Float)
    /// x².
    case square
    /// |x|.
    case abs
    /// sign(x) (0 at 0).
    case sign
    /// min(max(x, lo), hi).
    case clamp(Float, Float)
    /// 1 where lo ≤ x ≤ hi, else 0.
    case inside(Float, Float)
    /// 1 / (1 + e⁻ˣ).
    case sigmoid
    /// tanh x.
    case tanh
    /// ln(1 + eˣ), stably.
    case softplus
    /// GELU, tanh form.
    case geluTanh
    /// x ln x (0 for x ≤ 0).
    case xLogX
    /// ln x + 1 (0 for x ≤ 0): the derivative of x ln x.
    case xLogXDerivative
}

/// An elementwise function of two broadcast tensors.
public enum PairOp: Sendable {
    /// a + b.
    case add
    /// a − b.
    case subtract
    /// a · b.
    case multiply
    /// a / b.
    case divide
    /// a where b > 0, else 0 (ReLU's gradient from the upstream a and the output b).
    case reluGradient
    /// a·b·(1 − b) (sigmoid's gradient from the upstream a and the output b).
    case sigmoidGradient
    /// a·(1 − b²) (tanh's gradient from the upstream a and the output b).
    case tanhGradient
    /// a / (1 + e⁻ᵇ) (softplus's gradient from the upstream a and the input b).
    case softplusGradient
    /// a·GELU′(b), tanh form (from the upstream a and the input b).
    case geluTanhGradient
    /// 1 where a = b, else 0.
    case equal
    /// e^(a − b).
    case expDifference
    /// a where b = 0, else `value`.
    case fill(Float)
    /// a where b ≠ 0, else 0.
    case keepWhereNonzero
    /// a where b = 0, else 0.
    case keepWhereZero
    /// a (broadcast to the shape of both).
    case first
}

/// A reduction of a row of values to one.
public enum Reduction: Sendable {
    /// Σ x (Float accumulation, in row order).
    case sum
    /// max x (−∞ for an empty row).
    case max
    /// log Σ exp x, shifted by the maximum (−∞ for a row of −∞).
    case logSumExp
}

extension Tensor {
    nonisolated(unsafe) private static var _backend: any Backend = CPUBackend()

    /// The backend every op runs on. One today (`CPUBackend`); with a second, storage would name its
    /// backend and ops would take their inputs' (docs/architecture.md).
    public static var backend: any Backend { _backend }

    /// Replaces the backend, e.g. `CPUBackend(convolution: .im2col)`. Process-wide, like the thread count:
    /// only an application calls it, once, before any tensor work (`retort` does from `train.convolution`).
    public static func setBackend(_ backend: any Backend) { _backend = backend }
}
