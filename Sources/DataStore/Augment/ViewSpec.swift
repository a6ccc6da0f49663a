/// How one view of a sample is made: crop mode and output size, then flip, colour jitter,
/// grayscale, Gaussian blur and solarize (torchvision semantics, in that order), then
/// normalisation with per-channel mean and std. Views of a multi-crop pipeline each have their own spec.
public struct ViewSpec: Sendable, Equatable {
    /// How the crop box is chosen.
    public enum Crop: Sendable, Equatable {
        /// torchvision RandomResizedCrop: area fraction in `scale`, aspect ratio (w/h) in `ratio`
        /// (log-uniform), 10 tries then the central-crop fallback; resized to the output size.
        case randomResized(scale: ClosedRange<Double>, ratio: ClosedRange<Double>)
        /// Zero-pad by `padding` on each side, then a random crop of the output size (CIFAR style).
        case padRandom(padding: Int)
        /// The whole image resized to the output size.
        case resize
        /// A central crop of the output size (no resize; padded with zeros if the image is smaller).
        case center
    }
    /// torchvision ColorJitter parameters, applied with probability `probability` in random order.
    public struct ColorJitter: Sendable, Equatable {
        /// Brightness strength b: factor in [max(0, 1-b), 1+b].
        public var brightness: Float
        /// Contrast strength: factor in [max(0, 1-c), 1+c].
        public var contrast: Float
        /// Saturation strength: factor in [max(0, 1-s), 1+s].
        public var saturation: Float
        /// Hue strength h <= 0.5: shift in [-h, h].
        public var hue: Float
        /// RandomApply probability.
        public var probability: Float
        /// A jitter setting.
        public init(brightness: Float, contrast: Float, saturation: Float, hue: Float, probability: Float = 1) {
            self.brightness = brightness
            self.contrast = contrast
            self.saturation = saturation
            self.hue = hue
            self.probability = probability
        }
    }

    /// Crop mode.
    public var crop: Crop
    /// Output height.
    public var outHeight: Int
    /// Output width.
    public var outWidth: Int
    /// Horizontal flip probability.
    public var flipProbability: Float = 0.5
    /// Colour jitter, or nil.
    public var jitter: ColorJitter? = nil
    /// RandomGrayscale probability (3-channel images keep 3 equal channels).
    public var grayscaleProbability: Float = 0
    /// Gaussian blur probability.
    public var blurProbability: Float = 0
    /// Gaussian blur kernel size (odd); 0 picks about 10% of the output size, made odd.
    public var blurKernel: Int = 0
    /// Gaussian blur sigma range.
    public var blurSigma: ClosedRange<Float> = 0.1...2.0
    /// Solarize probability.
    public var solarizeProbability: Float = 0
    /// Solarize threshold on [0, 1] values (x >= t becomes 1 - x).
    public var solarizeThreshold: Float = 0.5
    /// Per-channel normalisation mean (one value or one per channel).
    public var mean: [Float] = [0]
    /// Per-channel normalisation std.
    public var std: [Float] = [1]

    /// A view spec; the other settings start as identity (no flip is `flipProbability = 0`).
    public init(crop: Crop, outHeight: Int, outWidth: Int) {
        precondition(outHeight > 0 && outWidth > 0, "ViewSpec output size must be positive")
        self.crop = crop
        self.outHeight = outHeight
        self.outWidth = outWidth
    }

    /// The blur kernel size used for this spec.
    public var effectiveBlurKernel: Int {
        if blurKernel > 0 { return blurKernel | 1 }
        return max(3, Int(Double(min(outHeight, outWidth)) * 0.1)) | 1
    }

    /// The SimCLR/BYOL-style SSL view: RRC(scale 0.08-1), flip, jitter(0.4, 0.4, 0.2, 0.1) p=0.8,
    /// grayscale p=0.2, with optional blur and solarize probabilities (BYOL: 1.0/0.0 and 0.1/0.2).
    public static func ssl(
        size: Int, scale: ClosedRange<Double> = 0.08...1, blur: Float = 0, solarize: Float = 0,
        mean: [Float] = [0.5], std: [Float] = [0.25]
    ) -> ViewSpec {
        var v = ViewSpec(crop: .randomResized(scale: scale, ratio: 0.75...(4.0 / 3.0)), outHeight: size, outWidth: size)
        v.jitter = ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, probability: 0.8)
        v.grayscaleProbability = 0.2
        v.blurProbability = blur
        v.solarizeProbability = solarize
        v.mean = mean
        v.std = std
        return v
    }

    /// Multi-crop (SwAV/DINO): `global` large views then `local` small views, each with its own size and scale.
    public static func multiCrop(
        global: Int, globalSize: Int, globalScale: ClosedRange<Double> = 0.4...1,
        local: Int, localSize: Int, localScale: ClosedRange<Double> = 0.05...0.4,
        mean: [Float] = [0.5], std: [Float] = [0.25]
    ) -> [ViewSpec] {
        let g = ssl(size: globalSize, scale: globalScale, mean: mean, std: std)
        let l = ssl(size: localSize, scale: localScale, mean: mean, std: std)
        return Array(repeating: g, count: global) + Array(repeating: l, count: local)
    }
}
