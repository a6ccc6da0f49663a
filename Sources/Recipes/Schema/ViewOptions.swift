/// One kind of augmented view of a sample (`count` copies of it per sample), as the loader draws it.
public struct ViewOptions: RecipeSection, Sendable, Equatable {
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

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("count", \.count, .atLeast(1)),
            .optional("crop", \.crop),
            .optional("pad_crop", \.padCrop, .atLeast(1)),
            .init("flip", \.flip, .probability),
            .optional("color_jitter", \.colorJitter),
            .init("grayscale", \.grayscale, .probability),
            .optional("blur", \.blur),
            .init("solarize", \.solarize, .probability),
            .optional("normalize", \.normalize),
        ]
    }

    /// A view with no augmentation.
    public init() {}

    /// `pad_crop` and `crop` exclude each other.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if crop != nil && padCrop != nil {
            throw c.invalid(RecipeKey("pad_crop"), "pad_crop and crop are two ways to crop; give one of them")
        }
    }
}
