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
