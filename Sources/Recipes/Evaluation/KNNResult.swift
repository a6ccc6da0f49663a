/// The kNN classifier's outcome.
public struct KNNResult: Codable, Sendable, Equatable {
    /// Neighbours.
    public var k: Int
    /// Vote temperature.
    public var temperature: Double
    /// Test top-1 accuracy in [0, 1].
    public var top1: Double
    /// Test top-5 accuracy in [0, 1].
    public var top5: Double

    /// Creates a result.
    public init(k: Int, temperature: Double, top1: Double, top5: Double) {
        self.k = k
        self.temperature = temperature
        self.top1 = top1
        self.top5 = top5
    }
}
