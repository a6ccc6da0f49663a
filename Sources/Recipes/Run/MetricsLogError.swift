/// A malformed line in a metrics file.
public struct MetricsLogError: Error, Sendable, CustomStringConvertible {
    /// The metrics file.
    public var path: String
    /// 1-based line number.
    public var line: Int
    /// What is wrong with it.
    public var detail: String

    /// `runs/x/metrics.jsonl:12: not a metrics record (...)`.
    public var description: String { "\(path):\(line): not a metrics record (\(detail))" }
}
