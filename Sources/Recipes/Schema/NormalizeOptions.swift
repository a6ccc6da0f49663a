/// Per-channel normalisation `(x - mean) / std` on [0, 1] pixels.
public struct NormalizeOptions: RecipeSection, Sendable, Equatable {
    /// Channel means (one per input channel).
    public var mean: [Double] = []
    /// Channel standard deviations (> 0).
    public var std: [Double] = []

    /// The recipe keys (both required).
    public static var fields: [RecipeField<Self>] { [.required("mean", \.mean), .required("std", \.std, .allPositive)] }

    /// No channels yet (a recipe must give both lists).
    public init() {}

    /// Creates a normalisation.
    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Mean and std have the same, nonzero channel count.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        guard mean.count == std.count, !mean.isEmpty else {
            throw c.invalid(RecipeKey("std"), "std has \(std.count) channels but mean has \(mean.count)")
        }
    }
}
