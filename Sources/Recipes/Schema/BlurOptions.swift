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
