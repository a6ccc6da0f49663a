import Foundation
import NN
import Support

/// `summary.json`: how a run ended and its headline numbers, written atomically.
public struct RunSummary: Codable, Sendable, Equatable {
    /// How the run ended.
    public enum Status: String, Codable, Sendable {
        /// Still training (written at checkpoints).
        case running
        /// Finished all steps.
        case completed
        /// Stopped by an error.
        case failed
        /// Stopped by a signal; resumable.
        case interrupted
    }

    /// How the run ended.
    public var status: Status
    /// Objective name.
    public var objective: String
    /// Backbone name.
    public var backbone: String
    /// Optimizer steps done.
    public var steps: Int
    /// Epochs done (fractional).
    public var epochs: Double
    /// Wall-clock seconds of training, every process of a resumed run included (work redone after a
    /// kill counted once); the test evaluation at the end is not included.
    public var wallSeconds: Double
    /// Mean training throughput.
    public var imagesPerSecond: Double?
    /// Training seconds per epoch (loader wait + compute of this process's steps, scaled to one
    /// epoch's steps; evaluation and checkpoint writes excluded): the cost column of experiment tables.
    public var secondsPerEpoch: Double?
    /// Peak resident set size of the training process in bytes (`getrusage` `ru_maxrss`; after a
    /// resume, of the resumed process; `retort sweep` trains each run in its own process).
    public var peakResidentBytes: Int?
    /// Last logged loss terms.
    public var finalLosses: [String: Double]
    /// Other final scalars (kNN top-1, online probe accuracy).
    public var metrics: [String: Double]
    /// Linear probe / kNN results, when run.
    public var probe: ProbeReport?
    /// The error that stopped a failed run.
    public var error: String?
    /// ISO 8601 start time.
    public var startedAt: String
    /// ISO 8601 end time.
    public var finishedAt: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, objective, backbone, steps, epochs
        case wallSeconds = "wall_seconds"
        case imagesPerSecond = "images_per_second"
        case secondsPerEpoch = "seconds_per_epoch"
        case peakResidentBytes = "peak_resident_bytes"
        case finalLosses = "final_losses"
        case metrics, probe, error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    /// Creates a summary.
    public init(
        status: Status, objective: String, backbone: String, steps: Int = 0, epochs: Double = 0, wallSeconds: Double = 0,
        imagesPerSecond: Double? = nil, finalLosses: [String: Double] = [:], metrics: [String: Double] = [:],
        probe: ProbeReport? = nil, error: String? = nil, startedAt: Date = Date(), finishedAt: Date? = nil
    ) {
        self.status = status
        self.objective = objective
        self.backbone = backbone
        self.steps = steps
        self.epochs = epochs
        self.wallSeconds = wallSeconds
        self.imagesPerSecond = imagesPerSecond
        self.finalLosses = finalLosses
        self.metrics = metrics
        self.probe = probe
        self.error = error
        self.startedAt = RunSummary.timestamp(startedAt)
        self.finishedAt = finishedAt.map(RunSummary.timestamp)
    }

    /// ISO 8601 UTC timestamp.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Pretty, key-sorted JSON (non-finite numbers as strings).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Writes the summary atomically.
    public func write(to url: URL) throws {
        var data = try jsonData()
        data.append(UInt8(ascii: "\n"))
        try AtomicFile.write(data, to: url)
    }

    /// Reads a summary.
    public static func read(from url: URL) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(RunSummary.self, from: Data(contentsOf: url))
    }
}
