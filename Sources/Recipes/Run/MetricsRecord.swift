/// One line of `metrics.jsonl`: step, epoch, named loss terms, learning rate, throughput and data wait.
public struct MetricsRecord: Codable, Sendable, Equatable {
    /// Optimizer steps done.
    public var step: Int
    /// Epoch (fractional: 2.5 is half-way through the third epoch).
    public var epoch: Double
    /// Total loss that was minimised.
    public var loss: Double?
    /// Named loss terms (e.g. `ce`, `kd`, `byol`), unweighted.
    public var losses: [String: Double]
    /// Learning rate at this step.
    public var lr: Double?
    /// Training throughput since the previous record.
    public var imagesPerSecond: Double?
    /// Seconds the loop waited for data since the previous record.
    public var dataWaitSeconds: Double?
    /// Other scalars (online-probe accuracy, kNN top-1, EMA tau, gradient norm).
    public var metrics: [String: Double]
    /// Seconds since the run (or resume) started.
    public var elapsedSeconds: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case step, epoch, loss, losses, lr
        case imagesPerSecond = "images_per_second"
        case dataWaitSeconds = "data_wait_seconds"
        case metrics
        case elapsedSeconds = "elapsed_seconds"
    }

    /// Creates a record.
    public init(
        step: Int, epoch: Double, loss: Double? = nil, losses: [String: Double] = [:], lr: Double? = nil,
        imagesPerSecond: Double? = nil, dataWaitSeconds: Double? = nil, metrics: [String: Double] = [:],
        elapsedSeconds: Double? = nil
    ) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.losses = losses
        self.lr = lr
        self.imagesPerSecond = imagesPerSecond
        self.dataWaitSeconds = dataWaitSeconds
        self.metrics = metrics
        self.elapsedSeconds = elapsedSeconds
    }

    /// Decodes, treating absent `losses`/`metrics` as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decode(Int.self, forKey: .step)
        epoch = try c.decode(Double.self, forKey: .epoch)
        loss = try c.decodeIfPresent(Double.self, forKey: .loss)
        losses = try c.decodeIfPresent([String: Double].self, forKey: .losses) ?? [:]
        lr = try c.decodeIfPresent(Double.self, forKey: .lr)
        imagesPerSecond = try c.decodeIfPresent(Double.self, forKey: .imagesPerSecond)
        dataWaitSeconds = try c.decodeIfPresent(Double.self, forKey: .dataWaitSeconds)
        metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
        elapsedSeconds = try c.decodeIfPresent(Double.self, forKey: .elapsedSeconds)
    }
}
