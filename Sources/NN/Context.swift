import Support
import TensorCore

/// What a forward pass needs besides its input: training or inference mode, the random generator
/// (dropout, stochastic depth) and, in a data-parallel run, the group of ranks (SyncBN, gathered
/// negatives, global Sinkhorn sums). Passed explicitly (`inout`) to every `forward`; there are no
/// globals. Gradients need nothing here: an op is recorded when one of its inputs is traced on a tape.
public struct Context: Sendable {
    /// Training mode: BatchNorm uses batch statistics and updates running statistics, dropout drops.
    public var isTraining: Bool
    /// The random generator for this pass.
    public var rng: Philox
    /// The ranks of a data-parallel run that training forwards share a global batch with (one rank:
    /// `SingleProcess`). Objectives that need the global batch (SimCLR's negatives, CLIP's logits,
    /// SwAV's Sinkhorn sums) gather or sum over it in training mode; inference never communicates.
    public var communicator: any Communicator
    /// Batch norm in training mode takes its statistics over every rank's part of the batch
    /// (PyTorch's SyncBatchNorm), with the matching backward; off: each rank's own part.
    public var syncBatchNorm: Bool

    /// A context in training or inference mode, on one process unless `communicator` says otherwise.
    public init(training: Bool, rng: Philox = Philox(seed: 0), communicator: any Communicator = SingleProcess(), syncBatchNorm: Bool = false) {
        self.isTraining = training
        self.rng = rng
        self.communicator = communicator
        self.syncBatchNorm = syncBatchNorm
    }

    /// The group training collectives run over: `communicator` in training mode, one process otherwise.
    public var trainingGroup: any Communicator { isTraining ? communicator : SingleProcess() }

    /// An inference-mode context (no dropout, running statistics used).
    public static var inference: Context { Context(training: false) }
}
