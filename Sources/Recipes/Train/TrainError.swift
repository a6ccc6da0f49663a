import Foundation

/// Why a training run (or evaluation) stopped; each case names what to fix.
public enum TrainError: Error, CustomStringConvertible, Equatable {
    /// A loss term became NaN or infinite.
    case nonFiniteLoss(step: Int, term: String, value: Float, lastCheckpoint: String?)
    /// The recipe and the data do not fit together.
    case incompatibleData(String)
    /// A file the run needs is missing or unusable.
    case missingFile(path: String, what: String)

    /// Text for the CLI.
    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let term, let value, let last):
            return "loss term '\(term)' is \(value) at step \(step); stopped. "
                + (last.map { "The last good checkpoint is \($0)." } ?? "No checkpoint was written yet.")
                + " Lower the learning rate or check the data."
        case .incompatibleData(let m): return m
        case .missingFile(let path, let what): return "\(what) not found: \(path)"
        }
    }
}
