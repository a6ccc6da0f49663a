/// One kind of augmented view of a sample (`count` copies of it per sample), as the loader draws it.
public struct ViewOptions: Codable, Sendable, Equatable {
    /// How many views of this kind per sample (multi-crop: 2 large + 6 small is two specs).
    public var count: Int = 1
    /// Random resized crop; nil keeps the whole image at its size.
    public var crop: CropOptions?
    /// CIFAR-style crop instead: zero-pad by this many pixels, then a random crop of the stored size.
    public var padCrop: Int?
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
    public var normalize: NormalizeOptions?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case count, crop
        case padCrop = "pad_crop"
        case flip
        case colorJitter = "color_jitter"
        case grayscale, blur, solarize, normalize
    }

    /// A view with no augmentation.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&count, .count, .atLeast(1))
        try c.loadOptional(&crop, .crop)
        try c.loadOptional(&padCrop, .padCrop, .atLeast(1))
        if crop != nil && padCrop != nil {
            throw c.invalid(.padCrop, "pad_crop and crop are two ways to crop; give one of them")
        }
        try c.load(&flip, .flip, .probability)
        try c.loadOptional(&colorJitter, .colorJitter)
        try c.load(&grayscale, .grayscale, .probability)
        try c.loadOptional(&blur, .blur)
        try c.load(&solarize, .solarize, .probability)
        try c.loadOptional(&normalize, .normalize)
    }
}
