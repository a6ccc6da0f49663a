/// Colour jitter (SimCLR/BYOL): random brightness, contrast, saturation and hue, applied with `probability`.
public struct ColorJitterOptions: RecipeSection, Sendable, Equatable {
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

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("brightness", \.brightness, .nonNegative),
            .init("contrast", \.contrast, .nonNegative),
            .init("saturation", \.saturation, .nonNegative),
            .init("hue", \.hue, .within(0...0.5)),
            .init("probability", \.probability, .probability),
        ]
    }

    /// BYOL's defaults.
    public init() {}

}
