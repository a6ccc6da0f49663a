import Support
import TensorCore

/// What a forward pass needs besides its input: training or inference mode and the random generator
/// (dropout, stochastic depth). Passed explicitly (`inout`) to every `forward`; there are no globals.
/// Gradients need nothing here: an op is recorded when one of its inputs is traced on a tape.
public struct Context: Sendable {
    /// Training mode: BatchNorm uses batch statistics and updates running statistics, dropout drops.
    public var isTraining: Bool
    /// The random generator for this pass.
    public var rng: Philox

    /// A context in training or inference mode.
    public init(training: Bool, rng: Philox = Philox(seed: 0)) {
        self.isTraining = training
        self.rng = rng
    }

    /// An inference-mode context (no dropout, running statistics used).
    public static var inference: Context { Context(training: false) }
}
