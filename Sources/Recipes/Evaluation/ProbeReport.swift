/// Evaluation of one checkpoint's frozen features: linear probe and/or kNN, with a text table.
public struct ProbeReport: Codable, Sendable, Equatable {
    /// What was evaluated (checkpoint path or run name).
    public var source: String
    /// Training samples.
    public var trainCount: Int
    /// Test samples.
    public var testCount: Int
    /// Feature dimension.
    public var featureCount: Int
    /// Classes.
    public var classCount: Int
    /// Linear probe result.
    public var linear: LinearProbeResult?
    /// kNN result.
    public var knn: KNNResult?

    enum CodingKeys: String, CodingKey {
        case source
        case trainCount = "train_count"
        case testCount = "test_count"
        case featureCount = "feature_count"
        case classCount = "class_count"
        case linear, knn
    }

    /// Creates a report.
    public init(
        source: String, trainCount: Int, testCount: Int, featureCount: Int, classCount: Int,
        linear: LinearProbeResult? = nil, knn: KNNResult? = nil
    ) {
        self.source = source
        self.trainCount = trainCount
        self.testCount = testCount
        self.featureCount = featureCount
        self.classCount = classCount
        self.linear = linear
        self.knn = knn
    }

    /// A fixed-width text table of the results (and the weight-decay sweep).
    public func table() -> String {
        var lines = [
            "\(source): \(trainCount) train / \(testCount) test samples, \(featureCount) features, \(classCount) classes",
            pad("method", 28) + pad("top-1", 9) + pad("top-5", 9) + "setting",
        ]
        if let linear {
            lines.append(
                pad("linear probe", 28) + pad(percent(linear.top1), 9) + pad(percent(linear.top5), 9)
                    + "wd=\(linear.weightDecay), train top-1 \(percent(linear.trainTop1))")
        }
        if let knn {
            lines.append(
                pad("kNN (cosine)", 28) + pad(percent(knn.top1), 9) + pad(percent(knn.top5), 9)
                    + "k=\(knn.k), T=\(knn.temperature)")
        }
        if let linear, !linear.sweep.isEmpty {
            lines.append("weight-decay sweep (held-out top-1):")
            for trial in linear.sweep {
                let mark = trial.weightDecay == linear.weightDecay ? " *" : ""
                lines.append("  " + pad("wd=\(trial.weightDecay)", 26) + percent(trial.validationTop1) + mark)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func percent(_ x: Double) -> String {
        let tenths = Int((x * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
}
