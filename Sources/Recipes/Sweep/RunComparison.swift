import Foundation
import Yams

/// `retort compare`: runs grouped by configuration (their resolved recipes with `train.seed` and
/// `description` left out), each group's final metrics (`summary.json` `metrics`: kNN/linear top-1,
/// test accuracy, validation scores, RankMe, ...) as mean ± sample standard deviation over its seeds,
/// and its cost per run (wall seconds, images/s, seconds per epoch, peak resident memory, means).
/// Configurations are labelled by the recipe keys in which the groups differ (`differingKeys`).
public struct RunComparison: Codable, Sendable, Equatable {
    /// Mean, sample standard deviation (0 for one value) and the values of one quantity over seeds.
    public struct Statistic: Codable, Sendable, Equatable {
        /// Arithmetic mean.
        public var mean: Double
        /// Sample standard deviation (n − 1 denominator); 0 when n = 1.
        public var std: Double
        /// The per-run values, in run order.
        public var values: [Double]

        /// The statistic of `values` (non-empty).
        public init(_ values: [Double]) {
            self.values = values
            mean = values.reduce(0, +) / Double(values.count)
            let m = mean
            std = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot() : 0
        }
    }

    /// One configuration: the runs that differ only in their seed.
    public struct Group: Codable, Sendable, Equatable {
        /// The values of the differing keys (flattened key paths).
        public var configuration: [String: String]
        /// The run folders.
        public var runs: [String]
        /// Final metrics over the runs that have them.
        public var metrics: [String: Statistic]
        /// Cost per run: `wall_seconds`, `images_per_second`, `seconds_per_epoch`, `peak_resident_mib`.
        public var cost: [String: Statistic]
    }

    /// The recipe keys (flattened paths, `optimizer.lr`) whose values differ between groups.
    public var differingKeys: [String]
    /// The groups, in the order of their first run.
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case differingKeys = "differing_keys"
        case groups
    }

    /// Reads `summary.json` and `resolved.yaml` of each run folder; a folder without them, or whose
    /// run has not completed, is an error naming it.
    public init(runs folders: [URL]) throws {
        guard !folders.isEmpty else { throw SweepError("give at least one run folder") }
        var entries: [(path: String, config: [String: String], summary: RunSummary)] = []
        for folder in folders {
            let summaryURL = folder.appendingPathComponent("summary.json")
            let recipeURL = folder.appendingPathComponent("resolved.yaml")
            guard FileManager.default.fileExists(atPath: summaryURL.path) else {
                throw SweepError(
                    "\(folder.path) has no summary.json (not a run folder, or the run has not finished; resume it with retort train --resume)")
            }
            let summary: RunSummary
            do { summary = try RunSummary.read(from: summaryURL) } catch { throw SweepError("\(summaryURL.path): cannot read: \(error)") }
            guard summary.status == .completed else {
                throw SweepError("\(folder.path): the run has status \(summary.status.rawValue), not completed")
            }
            let text: String
            do { text = try String(contentsOf: recipeURL, encoding: .utf8) } catch { throw SweepError("\(recipeURL.path): cannot read: \(error)") }
            var flat: [String: String] = [:]
            do { Self.flatten(try Yams.load(yaml: text), prefix: "", into: &flat) } catch { throw SweepError("\(recipeURL.path): \(error)") }
            flat["train.seed"] = nil
            flat["description"] = nil
            entries.append((folder.path, flat, summary))
        }
        var order: [[String: String]] = []
        for e in entries where !order.contains(e.config) { order.append(e.config) }
        let allKeys = Set(order.flatMap(\.keys)).sorted()
        let differing = allKeys.filter { k in Set(order.map { $0[k] ?? "(absent)" }).count > 1 }
        differingKeys = differing
        groups = order.map { config in
            let members = entries.filter { $0.config == config }
            var metrics: [String: Statistic] = [:]
            let names = Set(members.flatMap { $0.summary.metrics.keys }).subtracting(["data_wait_fraction"])
            for name in names.sorted() {
                let values = members.compactMap { $0.summary.metrics[name] }
                if !values.isEmpty { metrics[name] = Statistic(values) }
            }
            var cost: [String: Statistic] = ["wall_seconds": Statistic(members.map(\.summary.wallSeconds))]
            let ips = members.compactMap(\.summary.imagesPerSecond)
            if !ips.isEmpty { cost["images_per_second"] = Statistic(ips) }
            let spe = members.compactMap(\.summary.secondsPerEpoch)
            if !spe.isEmpty { cost["seconds_per_epoch"] = Statistic(spe) }
            let peak = members.compactMap(\.summary.peakResidentBytes).map { Double($0) / 1_048_576 }
            if !peak.isEmpty { cost["peak_resident_mib"] = Statistic(peak) }
            return Group(
                configuration: differing.reduce(into: [:]) { $0[$1] = config[$1] ?? "(absent)" },
                runs: members.map(\.path), metrics: metrics, cost: cost)
        }
    }

    /// The Markdown table: one row per configuration, `mean ± std` per metric, cost columns last.
    public func markdown() -> String {
        let metricNames = Set(groups.flatMap(\.metrics.keys)).sorted()
        let costNames = [
            ("wall_seconds", "wall s"), ("images_per_second", "img/s"), ("seconds_per_epoch", "s/epoch"),
            ("peak_resident_mib", "peak MiB"),
        ]
        var header = ["configuration", "runs"] + metricNames + costNames.map(\.1)
        if differingKeys.isEmpty { header[0] = "configuration (one recipe)" }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: header.count)]
        for g in groups {
            let label = differingKeys.isEmpty ? "all" : differingKeys.map { "\($0)=\(g.configuration[$0] ?? "")" }.joined(separator: ", ")
            var cells = [label, String(g.runs.count)]
            cells += metricNames.map { g.metrics[$0].map { Self.format($0, digits: 4) } ?? "" }
            cells += costNames.map { g.cost[$0.0].map { Self.format($0, digits: $0.mean >= 100 ? 0 : 2) } ?? "" }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        var text = lines.joined(separator: "\n") + "\n"
        if !differingKeys.isEmpty { text += "\nThe runs' recipes differ in: " + differingKeys.joined(separator: ", ") + " (train.seed aside).\n" }
        return text
    }

    /// Pretty, key-sorted JSON of the comparison.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    private static func format(_ s: Statistic, digits: Int) -> String {
        let m = String(format: "%.\(digits)f", s.mean)
        return s.values.count > 1 ? m + " ± " + String(format: "%.\(digits)f", s.std) : m
    }

    /// Flattens YAML values into `a.b.0.c` → scalar text.
    private static func flatten(_ value: Any?, prefix: String, into out: inout [String: String]) {
        let key = { (k: String) in prefix.isEmpty ? k : prefix + "." + k }
        switch value {
        case let d as [String: Any]:
            for (k, v) in d { flatten(v, prefix: key(k), into: &out) }
        case let a as [Any]:
            if a.allSatisfy({ !($0 is [String: Any]) && !($0 is [Any]) }) {
                out[prefix] = "[" + a.map { "\($0)" }.joined(separator: ", ") + "]"
            } else {
                for (i, v) in a.enumerated() { flatten(v, prefix: key(String(i)), into: &out) }
            }
        case nil:
            out[prefix] = "null"
        case let v?:
            out[prefix] = "\(v)"
        }
    }
}
