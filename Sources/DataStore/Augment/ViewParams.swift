/// Everything needed to re-create one view exactly: returned with every batch and accepted by the
/// replay API. The crop box is in source pixels; for pad-crops it may extend outside the image.
public struct ViewParams: Sendable, Equatable {
    /// Source image height.
    public var srcHeight: Int
    /// Source image width.
    public var srcWidth: Int
    /// Crop box top row (source pixels).
    public var top: Int
    /// Crop box left column.
    public var left: Int
    /// Crop box height.
    public var height: Int
    /// Crop box width.
    public var width: Int
    /// Whether the view was flipped horizontally.
    public var flipped: Bool
    /// Output height.
    public var outHeight: Int
    /// Output width.
    public var outWidth: Int
    /// Whether the crop box is resampled to the output size (false: copied, zero-padded).
    public var resampled: Bool
    /// Whether colour jitter was applied.
    public var jittered: Bool = false
    /// Jitter order: four op ids (0 brightness, 1 contrast, 2 saturation, 3 hue), 4 bits each, first op lowest.
    public var jitterOrder: UInt16 = 0x3210
    /// Brightness factor (1 = identity).
    public var brightness: Float = 1
    /// Contrast factor (1 = identity).
    public var contrast: Float = 1
    /// Saturation factor (1 = identity).
    public var saturation: Float = 1
    /// Hue shift in [-0.5, 0.5] (0 = identity).
    public var hue: Float = 0
    /// Whether the view was turned to grayscale.
    public var grayscale: Bool = false
    /// Gaussian blur sigma (0 = no blur).
    public var blurSigma: Float = 0
    /// Gaussian blur kernel size.
    public var blurKernel: Int = 0
    /// Whether the view was solarized.
    public var solarized: Bool = false
    /// Solarize threshold.
    public var solarizeThreshold: Float = 0.5

    /// A geometric-only parameter set (no colour changes).
    public init(
        srcHeight: Int, srcWidth: Int, top: Int, left: Int, height: Int, width: Int, flipped: Bool,
        outHeight: Int, outWidth: Int, resampled: Bool = true
    ) {
        self.srcHeight = srcHeight
        self.srcWidth = srcWidth
        self.top = top
        self.left = left
        self.height = height
        self.width = width
        self.flipped = flipped
        self.outHeight = outHeight
        self.outWidth = outWidth
        self.resampled = resampled
    }

    /// The crop box in normalised coordinates, PixPro style: (x0/(W-1), y0/(H-1), x1/(W-1), y1/(H-1))
    /// with x1 = left + width - 1, and x0 and x1 swapped when flipped.
    public var normalizedBox: (x0: Float, y0: Float, x1: Float, y1: Float) {
        let wd = Float(max(srcWidth - 1, 1))
        let hd = Float(max(srcHeight - 1, 1))
        var x0 = Float(left) / wd
        var x1 = Float(left + width - 1) / wd
        if flipped { swap(&x0, &x1) }
        return (x0, Float(top) / hd, x1, Float(top + height - 1) / hd)
    }

    /// The jitter op ids in application order.
    public var jitterOps: [Int] { (0..<4).map { Int((jitterOrder >> (4 * UInt16($0))) & 0xF) } }
}
