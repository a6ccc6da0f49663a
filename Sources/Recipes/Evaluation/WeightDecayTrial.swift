/// One weight decay tried by the linear probe.
public struct WeightDecayTrial: Codable, Sendable, Equatable {
    /// The weight decay.
    public var weightDecay: Double
    /// Top-1 accuracy on the held-out part of the train split.
    public var validationTop1: Double
    /// L-BFGS iterations used.
    public var iterations: Int

    enum CodingKeys: String, CodingKey {
        case weightDecay = "weight_decay"
        case validationTop1 = "validation_top1"
        case iterations
    }

    /// Creates a trial.
    public init(weightDecay: Double, validationTop1: Double, iterations: Int) {
        self.weightDecay = weightDecay
        self.validationTop1 = validationTop1
        self.iterations = iterations
    }
}
