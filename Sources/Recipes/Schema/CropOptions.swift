/// Random resized crop (Inception-style): area fraction `scale`, aspect ratio `ratio`, output `size` x `size`.
public struct CropOptions: RecipeSection, Sendable, Equatable {
    /// Output side in pixels.
    public var size = 0
    /// Fraction of the source area, `[low, high]` in (0, 1].
    public var scale = RangePair(0.08, 1)
    /// Aspect ratio range (width / height).
    public var ratio = RangePair(3.0 / 4.0, 4.0 / 3.0)

    /// The recipe keys (`size` required).
    public static var fields: [RecipeField<Self>] {
        [
            .required("size", \.size, .atLeast(1)),
            .init("scale", \.scale, .within(0...1, lowerAbove: 0)),
            .init("ratio", \.ratio, .within(0...100, lowerAbove: 0)),
        ]
    }

    /// No size yet (a recipe must give one).
    public init() {}

    /// Creates crop options.
    public init(size: Int, scale: RangePair = RangePair(0.08, 1), ratio: RangePair = RangePair(3.0 / 4.0, 4.0 / 3.0)) {
        self.size = size
        self.scale = scale
        self.ratio = ratio
    }
}
