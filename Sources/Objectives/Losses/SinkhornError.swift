import Foundation

/// A Sinkhorn-Knopp solver (SwAV's codes, SeLa's pseudo-labels) met numbers it cannot scale: the
/// exponentials overflow or underflow for the given temperature, so the result would be NaN. It is
/// thrown before anything is updated, so a run stops with its weights intact. The description names
/// the solver, the parameter and its value, and what to change.
public enum SinkhornError: Error, Equatable, CustomStringConvertible {
    /// The solver's exponentials or sums are not finite (or are all zero) at `parameter` = `value`.
    /// `solver` is "SwAV's Sinkhorn" or "SeLa's Sinkhorn-Knopp"; `detail` says what went wrong.
    case nonFinite(solver: String, parameter: String, value: Double, detail: String)
    /// The solver's input (scores, logits) holds NaN or infinite values: the model diverged.
    case nonFiniteInput(solver: String)
    /// The solver did not pass its convergence test within `iterations` updates.
    case notConverged(solver: String, iterations: Int, error: Double)

    /// One line naming the solver, the parameter and its value.
    public var description: String {
        switch self {
        case .nonFinite(let solver, let parameter, let value, let detail):
            let remedy =
                parameter == "lambda"
                ? "use a smaller lambda (the reference uses 25 on ImageNet, 10 on CIFAR)"
                : "use a larger \(parameter) (the reference uses 0.05)"
            return "\(solver): \(detail) at \(parameter) = \(String(format: "%g", value)), so the result would be NaN; \(remedy)"
        case .nonFiniteInput(let solver):
            return "\(solver): its input holds NaN or infinite values (the model diverged; lower the learning rate)"
        case .notConverged(let solver, let iterations, let error):
            return "\(solver): no convergence after \(iterations) updates (error \(error), the test is < 0.1)"
        }
    }
}
