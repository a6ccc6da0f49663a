/// One kind of augmented view of a sample (`count` copies of it per sample), as the loader draws it.
public struct ViewSpec: Codable, Sendable, Equatable {
    /// How many views of this kind per sample (multi-crop: 2 large + 6 small is two specs).
    public var count: Int = 1
    /// Random resized crop; nil keeps the whole image at its size.
    public var crop: CropOptions?
    /// Horizontal flip probability.
    public var flip: Double = 0
    /// Colour jitter; nil for none.
    public var colorJitter: ColorJitterOptions?
    /// Probability of converting to grayscale.
    public var grayscale: Double = 0
    /// Gaussian blur; nil for none.
    public var blur: BlurOptions?
    /// Solarisation probability (pixels above the threshold are inverted).
    public var solarize: Double = 0
    /// Normalisation for this view; nil uses `data.normalize`.
    public var normalize: Normalization?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case count, crop, flip, colorJitter = "color_jitter", grayscale, blur, solarize, normalize
    }

    /// A view with no augmentation.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&count, .count, .atLeast(1))
        try c.loadOptional(&crop, .crop)
        try c.load(&flip, .flip, .probability)
        try c.loadOptional(&colorJitter, .colorJitter)
        try c.load(&grayscale, .grayscale, .probability)
        try c.loadOptional(&blur, .blur)
        try c.load(&solarize, .solarize, .probability)
        try c.loadOptional(&normalize, .normalize)
    }
}

/// Random resized crop (Inception-style): area fraction `scale`, aspect ratio `ratio`, output `size` x `size`.
public struct CropOptions: Codable, Sendable, Equatable {
    /// Output side in pixels.
    public var size: Int
    /// Fraction of the source area, `[low, high]` in (0, 1].
    public var scale = RangePair(0.08, 1)
    /// Aspect ratio range (width / height).
    public var ratio = RangePair(3.0 / 4.0, 4.0 / 3.0)

    enum CodingKeys: String, CodingKey, CaseIterable { case size, scale, ratio }

    /// Creates crop options.
    public init(size: Int, scale: RangePair = RangePair(0.08, 1), ratio: RangePair = RangePair(3.0 / 4.0, 4.0 / 3.0)) {
        self.size = size
        self.scale = scale
        self.ratio = ratio
    }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.require(.size, .atLeast(1))
        try c.load(&scale, .scale, .within(0...1, lowerAbove: 0))
        try c.load(&ratio, .ratio, .within(0...100, lowerAbove: 0))
    }
}

/// Colour jitter (SimCLR/BYOL): random brightness, contrast, saturation and hue, applied with `probability`.
public struct ColorJitterOptions: Codable, Sendable, Equatable {
    /// Brightness factor drawn from [1 - b, 1 + b].
    public var brightness: Double = 0.4
    /// Contrast factor drawn from [1 - c, 1 + c].
    public var contrast: Double = 0.4
    /// Saturation factor drawn from [1 - s, 1 + s].
    public var saturation: Double = 0.2
    /// Hue shift drawn from [-h, h], h <= 0.5.
    public var hue: Double = 0.1
    /// Probability of applying the jitter at all.
    public var probability: Double = 0.8

    enum CodingKeys: String, CodingKey, CaseIterable { case brightness, contrast, saturation, hue, probability }

    /// BYOL's defaults.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&brightness, .brightness, .nonNegative)
        try c.load(&contrast, .contrast, .nonNegative)
        try c.load(&saturation, .saturation, .nonNegative)
        try c.load(&hue, .hue, .within(0...0.5))
        try c.load(&probability, .probability, .probability)
    }
}

/// Gaussian blur with sigma drawn uniformly from `sigma`, applied with `probability`.
public struct BlurOptions: Codable, Sendable, Equatable {
    /// Probability of blurring.
    public var probability: Double = 0.5
    /// Sigma range in pixels.
    public var sigma = RangePair(0.1, 2.0)

    enum CodingKeys: String, CodingKey, CaseIterable { case probability, sigma }

    /// Creates blur options.
    public init(probability: Double = 0.5, sigma: RangePair = RangePair(0.1, 2.0)) {
        self.probability = probability
        self.sigma = sigma
    }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&probability, .probability, .probability)
        try c.load(&sigma, .sigma, .within(0...100, lowerAbove: 0))
    }
}

/// Per-channel normalisation `(x - mean) / std` on [0, 1] pixels.
public struct Normalization: Codable, Sendable, Equatable {
    /// Channel means (one per input channel).
    public var mean: [Double]
    /// Channel standard deviations (> 0).
    public var std: [Double]

    enum CodingKeys: String, CodingKey, CaseIterable { case mean, std }

    /// Creates a normalisation.
    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Decodes and checks that mean and std have the same channel count.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mean = try c.require(.mean)
        std = try c.require(.std, .allPositive)
        guard mean.count == std.count, !mean.isEmpty else {
            throw c.invalid(.std, "std has \(std.count) channels but mean has \(mean.count)")
        }
    }
}
