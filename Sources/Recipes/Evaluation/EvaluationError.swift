import TensorCore

/// Features or labels that cannot be evaluated, with the shapes involved.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the split and shapes.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Checks a `[N, D]` feature matrix and its `[N]` labels in `0..<classCount`.
func validate(features: Tensor, labels: IntTensor, classCount: Int, split: String) throws {
    guard features.rank == 2, features.shape[0] > 0, features.shape[1] > 0 else {
        throw EvaluationError("\(split) features must be a non-empty [N, D] matrix, got \(features.shape)")
    }
    guard labels.shape == Shape([features.shape[0]]) else {
        throw EvaluationError("\(split) labels \(labels.shape) do not match features \(features.shape)")
    }
    if let bad = labels.scalars.first(where: { $0 < 0 || Int($0) >= classCount }) {
        throw EvaluationError("\(split) label \(bad) is outside 0..<\(classCount)")
    }
    if !features.isFinite {
        throw EvaluationError("\(split) features contain NaN or infinite values")
    }
}

/// Rank-based top-k hits: the true class counts as within top-k when fewer than k classes score higher
/// (ties broken towards the lower class index). Returns (top-1 hits, top-k hits).
func topKHits(scores: ArraySlice<Float>, label: Int, k: Int) -> (Bool, Bool) {
    let base = scores.startIndex
    let own = scores[base + label]
    var ahead = 0
    for c in 0..<scores.count where scores[base + c] > own || (scores[base + c] == own && c < label) { ahead += 1 }
    return (ahead == 0, ahead < k)
}
