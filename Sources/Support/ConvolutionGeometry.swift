/// The sizes of one 2-D convolution (or pooling) in NCHW layout, as PyTorch defines them:
/// input `[N, C, H, W]`, weight `[O, C/groups, KH, KW]`, output `[N, O, OH, OW]` with
/// `OH = (H + 2·padH − dilH·(KH − 1) − 1) / strideH + 1` (floor), likewise OW.
public struct ConvolutionGeometry: Sendable, Hashable {
    /// Images in the batch (N).
    public var batch: Int
    /// Input channels (C).
    public var inputChannels: Int
    /// Input height (H).
    public var height: Int
    /// Input width (W).
    public var width: Int
    /// Output channels (O).
    public var outputChannels: Int
    /// Kernel height (KH).
    public var kernelHeight: Int
    /// Kernel width (KW).
    public var kernelWidth: Int
    /// Vertical stride.
    public var strideH: Int
    /// Horizontal stride.
    public var strideW: Int
    /// Zero padding above and below.
    public var padH: Int
    /// Zero padding left and right.
    public var padW: Int
    /// Vertical dilation.
    public var dilationH: Int
    /// Horizontal dilation.
    public var dilationW: Int
    /// Channel groups (C and O must both be multiples of it).
    public var groups: Int

    /// Creates a geometry; sizes are validated by the caller (TensorCore states the shapes).
    public init(
        batch: Int, inputChannels: Int, height: Int, width: Int, outputChannels: Int,
        kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1,
        padH: Int = 0, padW: Int = 0, dilationH: Int = 1, dilationW: Int = 1, groups: Int = 1
    ) {
        self.batch = batch
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideH = strideH
        self.strideW = strideW
        self.padH = padH
        self.padW = padW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.groups = groups
    }

    /// Output height (OH).
    @inlinable public var outputHeight: Int { (height + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    /// Output width (OW).
    @inlinable public var outputWidth: Int { (width + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }
    /// Input channels per group (C / groups).
    @inlinable public var groupInputChannels: Int { inputChannels / groups }
    /// Output channels per group (O / groups).
    @inlinable public var groupOutputChannels: Int { outputChannels / groups }
    /// Rows of one group's im2col matrix: (C / groups)·KH·KW.
    @inlinable public var columnRows: Int { groupInputChannels * kernelHeight * kernelWidth }
    /// Multiply-adds of the forward pass times two: 2·N·O·OH·OW·(C/groups)·KH·KW.
    public var forwardFLOPs: Double {
        2 * Double(batch) * Double(outputChannels) * Double(outputHeight * outputWidth) * Double(columnRows)
    }
    /// Whether im2col is the identity (1x1 kernel, stride 1, no padding).
    @inlinable public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }

    /// The output columns `[lo, hi)` whose input column `ow·stride + offset` lies inside `[0, size)`.
    @inlinable
    public static func validRange(offset: Int, stride: Int, size: Int, outputs: Int) -> (Int, Int) {
        // ow·s + off >= 0  <=>  ow >= ceil(-off / s);  ow·s + off < size  <=>  ow < ceil((size - off) / s).
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let hiRaw = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride
        let hi = min(outputs, hiRaw)
        return (min(lo, hi), hi)
    }
}
