/// A same-shape binary elementwise operation with a vectorised kernel.
public enum BinaryOp: Sendable {
    /// a + b.
    case add
    /// a - b.
    case subtract
    /// a * b.
    case multiply
    /// a where b > 0, else 0: the ReLU gradient from the upstream gradient a and the ReLU output b.
    case reluGradient
}
