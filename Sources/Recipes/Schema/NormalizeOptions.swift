/// Per-channel normalisation `(x - mean) / std` on [0, 1] pixels.
public struct NormalizeOptions: Codable, Sendable, Equatable {
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
