/// Gaussian blur with sigma drawn uniformly from `sigma`, applied with `probability`.
public struct BlurOptions: RecipeSection, Sendable, Equatable {
    /// Probability of blurring.
    public var probability: Double = 0.5
    /// Sigma range in pixels.
    public var sigma = RangePair(0.1, 2.0)

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("probability", \.probability, .probability),
            .init("sigma", \.sigma, .within(0...100, lowerAbove: 0)),
        ]
    }

    /// The defaults: probability 0.5, sigma [0.1, 2].
    public init() {}

    /// Creates blur options.
    public init(probability: Double = 0.5, sigma: RangePair = RangePair(0.1, 2.0)) {
        self.probability = probability
        self.sigma = sigma
    }
}
