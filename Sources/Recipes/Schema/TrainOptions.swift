import Foundation

/// The `train` section: length, logging and checkpoint cadence, seed and threads.
public struct TrainOptions: Codable, Sendable, Equatable {
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
    /// Also write every metrics record as TensorBoard scalars (and the recipe as text) to an event
    /// file beside `metrics.jsonl` (`TensorBoardWriter`).
    public var tensorboard: Bool = false
    /// In a data-parallel run (`mpirun -np N retort train`, `--ranks N`), batch norm takes its training
    /// statistics over the whole global batch (PyTorch's SyncBatchNorm); off: each rank's share.
    public var syncBatchNorm: Bool = false

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs
        case maxSteps = "max_steps"
        case logEvery = "log_every"
        case checkpointEvery = "checkpoint_every"
        case seed, threads, tensorboard
        case syncBatchNorm = "sync_batchnorm"
    }

    /// Defaults.
    public init() {}

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&epochs, .epochs, .atLeast(1))
        try c.loadOptional(&maxSteps, .maxSteps, .atLeast(1))
        try c.load(&logEvery, .logEvery, .atLeast(1))
        try c.loadOptional(&checkpointEvery, .checkpointEvery, .atLeast(1))
        try c.load(&seed, .seed)
        try c.loadOptional(&threads, .threads, .atLeast(1))
        try c.load(&tensorboard, .tensorboard)
        try c.load(&syncBatchNorm, .syncBatchNorm)
    }
}
