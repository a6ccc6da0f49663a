import Foundation
import TensorCore

/// The `train` section: length, logging and checkpoint cadence, seed and threads.
public struct TrainOptions: RecipeSection, Sendable, Equatable {
    /// Epochs to train.
    public var epochs: Int = 100
    /// Stop after this many optimizer steps even if epochs remain (smoke runs).
    public var maxSteps: Int?
    /// Steps between metrics records.
    public var logEvery: Int = 50
    /// Steps between checkpoints; nil checkpoints at the end of every epoch only.
    public var checkpointEvery: Int?
    /// Seed of every random stream (initialisation, loader order, augmentation).
    public var seed: UInt64 = 0
    /// Compute threads (OpenBLAS and our parallel loops); nil uses every core of the machine.
    public var threads: Int?
    /// `threads`, else the machine's core count: what an application passes to `Threading.setCount`
    /// before training (library code sets no thread count itself).
    public var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
    /// How convolutions run: `fastest` (Winograd for 3×3 stride-1 layers of 16+ channels, ~1e-5 relative)
    /// or `im2col` (every layer by im2col + SGEMM: smaller rounding, slower). Like `threads`, the CLI applies
    /// it to the process (`Tensor.setBackend`) before training.
    public var convolution: ConvolutionAlgorithm = .fastest
    /// Also write every metrics record as TensorBoard scalars (and the recipe as text) to an event
    /// file beside `metrics.jsonl` (`TensorBoardWriter`).
    public var tensorboard: Bool = false
    /// In a data-parallel run (`mpirun -np N retort train`, `--ranks N`), batch norm takes its training
    /// statistics over the whole global batch (PyTorch's SyncBatchNorm); off: each rank's share.
    public var syncBatchNorm: Bool = false

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("epochs", \.epochs, .atLeast(1)),
            .optional("max_steps", \.maxSteps, .atLeast(1)),
            .init("log_every", \.logEvery, .atLeast(1)),
            .optional("checkpoint_every", \.checkpointEvery, .atLeast(1)),
            .init("seed", \.seed),
            .optional("threads", \.threads, .atLeast(1)),
            .init("convolution", \.convolution),
            .init("tensorboard", \.tensorboard),
            .init("sync_batchnorm", \.syncBatchNorm),
        ]
    }

    /// Defaults.
    public init() {}

}
