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
