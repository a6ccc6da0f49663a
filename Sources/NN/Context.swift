import Kernels
import TensorCore

/// What a forward pass needs besides its input: training or inference mode, the random generator
/// (dropout, stochastic depth) and the tape gradients are recorded on, if any. Passed explicitly
/// (`inout`) to every `forward`; there are no globals.
public struct Context: Sendable {
    /// Training mode: BatchNorm uses batch statistics and updates running statistics, dropout drops.
    public var isTraining: Bool
    /// The random generator for this pass.
    public var rng: Philox
    /// The tape the pass records on, when gradients are wanted.
    public nonisolated(unsafe) var tape: Tape?

    /// A context in training or inference mode.
    public init(training: Bool, rng: Philox = Philox(seed: 0), tape: Tape? = nil) {
        self.isTraining = training
        self.rng = rng
        self.tape = tape
    }

    /// An inference-mode context (no dropout, running statistics used).
    public static var inference: Context { Context(training: false) }
}
