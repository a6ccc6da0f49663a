/// The linear probe's outcome.
public struct LinearProbeResult: Codable, Sendable, Equatable {
    /// Test top-1 accuracy in [0, 1].
    public var top1: Double
    /// Test top-5 accuracy in [0, 1].
    public var top5: Double
    /// Accuracy of the final fit on the train split (to see under/over-fitting).
    public var trainTop1: Double
    /// The chosen weight decay.
    public var weightDecay: Double
    /// Every weight decay tried.
    public var sweep: [WeightDecayTrial]
    /// L-BFGS iterations of the final fit.
    public var iterations: Int

    enum CodingKeys: String, CodingKey {
        case top1, top5
        case trainTop1 = "train_top1"
        case weightDecay = "weight_decay"
        case sweep, iterations
    }

    /// Creates a result.
    public init(top1: Double, top5: Double, trainTop1: Double, weightDecay: Double, sweep: [WeightDecayTrial], iterations: Int) {
        self.top1 = top1
        self.top5 = top5
        self.trainTop1 = trainTop1
        self.weightDecay = weightDecay
        self.sweep = sweep
        self.iterations = iterations
    }
}
