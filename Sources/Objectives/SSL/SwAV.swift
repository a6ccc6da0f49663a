import Backbones
import Foundation
import NN
import Support
import TensorCore

/// SwAV (Caron et al. 2020, facebookresearch/swav `main_swav.py`, `src/resnet50.py`): swapped
/// assignments between multi-crop views.
///
/// - **Forward.** The crops of each resolution group go through the backbone together
///   (`multiCropFeatures`: BatchNorm statistics per group); the pooled features of all `V` views,
///   `[V·N, F]` in view order, go through the projection head once (`Linear BN ReLU Linear`, the
///   reference's `projection_head`), are L2-normalised (`z`, `[V·N, D]`) and scored against the
///   prototypes (a `Linear` without bias, `[K, D]`): `S = z Cᵀ`, `[V·N, K]`.
/// - **Codes.** For each view in `assign` (`crops_for_assign`), Sinkhorn-Knopp on its detached scores
///   (`SwAVLosses.sinkhorn`, ε, `iterations`), with the queue's embeddings re-scored against the
///   current prototypes and prepended once the queue is full.
/// - **Loss.** Swapped prediction at temperature T over every other view (`SwAVLosses.swappedPrediction`).
/// - **Prototypes** are L2-normalised row-wise before every step (at construction and after each
///   optimizer step). Freezing them for the first iterations (their gradient dropped, as the
///   reference's `p.grad = None`) is an `optimizer.groups` entry over `objective.prototypes.*`
///   with `freeze_steps`.
/// - **Queue** (`queue_length > 0`): from epoch `queueStartEpoch`, a FIFO `[A, L, D]` of past
///   embeddings per assigned view (newest first), objective state saved with every checkpoint.
///   In a data-parallel run the queue holds the global batches' embeddings (gathered, identical on
///   every rank, so a checkpoint resumes on any number of ranks) and each rank re-scores its 1/R
///   of it for the global Sinkhorn (the reference's per-rank queues of `queue_length / world_size`).
/// - **Data-parallel**: codes from the global Sinkhorn sums (`distributed_sinkhorn`).
///
/// Metrics: `code_entropy` (entropy of the mean code over the assigned views' rows, at most ln K)
/// and `prototypes_used` (distinct argmax prototypes of those codes). An optional online linear
/// probe on detached features of view 0 (term `probe`). On the validation part (`validationMetrics`):
/// `val_prototypes_used`, the prototypes that are the argmax score of at least one held-out sample.
public struct SwAV<Model: Backbone>: Objective {
    /// The projection head `[V·N, F] -> [V·N, D]` (before the L2 normalisation).
    public var projector: ProjectionHead
    /// The prototypes `C` `[K, D]` (`prototypes.weight`), unit rows before every step.
    public var prototypes: Linear
    /// The online linear probe on detached features (nil: none).
    public var probe: OnlineProbe?
    /// T of the swapped prediction.
    public var temperature: Float
    /// ε of Sinkhorn-Knopp.
    public var epsilon: Float
    /// Sinkhorn-Knopp iterations.
    public var iterations: Int
    /// The views whose codes are computed (`crops_for_assign`).
    public var assign: [Int]
    /// Queue rows per assigned view (0: no queue); a multiple of the batch size.
    public var queueLength: Int
    /// The epoch from which the queue is filled.
    public var queueStartEpoch: Int
    /// The queue `[A, L, D]` of past embeddings (newest first), once started.
    public var queue: Tensor?

    /// SwAV around `model`: head `F → hidden → out`, `prototypeCount` prototypes.
    public init(
        model: Model, projectorHidden: Int = 2048, projectorOutput: Int = 128, prototypeCount: Int = 3000,
        temperature: Float = 0.1, epsilon: Float = 0.05, iterations: Int = 3, assign: [Int] = [0, 1],
        queueLength: Int = 0, queueStartEpoch: Int = 15, probeClasses: Int? = nil, rng: inout Philox
    ) {
        projector = ProjectionHead(
            inputCount: model.featureCount, hiddenCount: projectorHidden, outputCount: projectorOutput,
            batchNorm: true, rng: &rng)
        prototypes = Linear(inputCount: projectorOutput, outputCount: prototypeCount, bias: false, rng: &rng)
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        self.temperature = temperature
        self.epsilon = epsilon
        self.iterations = iterations
        self.assign = assign
        self.queueLength = queueLength
        self.queueStartEpoch = queueStartEpoch
        normalizePrototypes()
    }

    /// The views it needs: two at least, and every assigned view.
    public var viewCount: Int { max(2, (assign.max() ?? 0) + 1) }

    /// Visits `projector.*`, `prototypes.*` and `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("projector", &projector)
        visitor.visit("prototypes", &prototypes)
        visitor.visit("probe", &probe)
    }

    /// `C ← C / ‖C‖` row-wise (`F.normalize(w, dim=1)`), no gradient.
    public mutating func normalizePrototypes() {
        prototypes.weight.value = prototypes.weight.value.detached.l2Normalized(alongAxis: 1).detached
    }

    /// `swav` (the swapped-prediction loss over all views of the batch) and, with a probe and
    /// labels, `probe`. Metrics: `code_entropy`, `prototypes_used`, `probe_accuracy`. Throws
    /// `SinkhornError` when ε is too small for Float32 (before any update).
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        try batch.views(viewCount, for: "swav")
        let views = batch.views.count
        let n = batch.count
        let features = model.multiCropFeatures(batch, context: &context)
        let z = projector.forward(Tensor.concatenate(features, alongAxis: 0), context: &context).l2Normalized(alongAxis: 1)
        let scores = prototypes(z)  // [V·N, K]
        let d = z.shape[1]
        let k = scores.shape[1]

        if queueLength > 0 && queue == nil && progress.epoch >= queueStartEpoch {
            queue = Tensor(zeros: [assign.count, queueLength, d])
        }
        let group = context.trainingGroup
        var queueScores: Tensor?
        if let queue, isFull(queue) {
            // Each rank scores its 1/R of the (global) queue, so that the global Sinkhorn sees every queued row once.
            let share = queueLength / group.size
            let rows = queue.slice(alongAxis: 1, (group.rank * share)..<((group.rank + 1) * share))
            let c = prototypes.weight.value.detached
            queueScores = Tensor.matmul(rows.reshaped(to: [assign.count * share, d]), c, transposeB: true)
                .reshaped(to: [assign.count, share, k])
        }
        let (loss, codes) = try SwAVLosses.swappedPrediction(
            scores: scores, views: views, assign: assign, temperature: temperature,
            epsilon: epsilon, iterations: iterations, queue: queueScores, group: group)
        if let old = queue {
            let newest = assign.map { a in z.detached.slice(alongAxis: 0, (a * n)..<((a + 1) * n)).allGathered(over: group) }
            queue = enqueue(newest, into: old)
        }

        var terms = [LossTerm("swav", loss)]
        var metrics = Self.codeMetrics(codes)
        probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics)
    }

    /// Re-normalises the prototypes for the next step.
    public mutating func afterStep(model: Model, progress: TrainingProgress) {
        normalizePrototypes()
    }

    /// `prototypes_used` on held-out samples: how many prototypes are the argmax of the scores
    /// `z Cᵀ` of at least one sample of `data` (centre views, inference mode). A stricter test of
    /// collapse than the training metric of the same name, whose Sinkhorn codes spread every batch
    /// over the prototypes by construction.
    public mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float] {
        var context = Context(training: false, rng: Philox(seed: 0))
        var used = Set<Int32>()
        try data.forEachBatch { batch in
            let z = projector.forward(model.features(batch.views[0], context: &context), context: &context).l2Normalized(alongAxis: 1)
            used.formUnion(prototypes(z).argmax(alongAxis: 1).scalars)
        }
        return ["prototypes_used": Float(used.count)]
    }

    /// Whether the queue has been filled once (its last row is not zero; embeddings are unit vectors).
    func isFull(_ queue: Tensor) -> Bool {
        let l = queue.shape[1]
        return queue.detached.slice(alongAxis: 1, (l - 1)..<l).scalars.contains { $0 != 0 }
    }

    /// The queue with each assigned view's newest embeddings in front (`queue[i, N:] = queue[i, :-N]`,
    /// `queue[i, :N] = newest[i]`); `newest[i]` is `[N, D]` (the global batch's, in a data-parallel
    /// run), the queue `[A, L, D]`.
    func enqueue(_ newest: [Tensor], into queue: Tensor) -> Tensor {
        let (a, l, d) = (queue.shape[0], queue.shape[1], queue.shape[2])
        let blocks = (0..<a).map { i -> Tensor in
            let block = queue.slice(alongAxis: 0, i..<(i + 1)).reshaped(to: [l, d])
            guard i < newest.count else { return block }
            let m = min(newest[i].shape[0], l)
            let front = newest[i].slice(alongAxis: 0, 0..<m)
            return m == l ? front : Tensor.concatenate([front, block.slice(alongAxis: 0, 0..<(l - m))], alongAxis: 0)
        }
        return Tensor.concatenate(blocks, alongAxis: 0).reshaped(to: [a, l, d])
    }

    /// `code_entropy`: entropy (nats) of the mean code over all rows of `codes`; `prototypes_used`:
    /// how many prototypes are the argmax of at least one row.
    public static func codeMetrics(_ codes: [Tensor]) -> [String: Float] {
        guard let first = codes.first else { return [:] }
        let k = first.shape[1]
        var mean = [Double](repeating: 0, count: k)
        var used = Set<Int32>()
        var rows = 0
        for q in codes {
            rows += q.shape[0]
            let p = q.scalars
            for i in 0..<q.shape[0] { for j in 0..<k { mean[j] += Double(p[i * k + j]) } }
            used.formUnion(q.argmax(alongAxis: 1).scalars)
        }
        var entropy = 0.0
        for v in mean where v > 0 {
            let p = v / Double(rows)
            entropy -= p * Foundation.log(p)
        }
        return ["code_entropy": Float(entropy), "prototypes_used": Float(used.count)]
    }

    /// The queue (when started) as `queue` `[A, L, D]`.
    public var state: SafeTensors {
        queue.map { SafeTensors(tensors: ["queue": $0]) } ?? SafeTensors()
    }

    /// Restores the queue (absent: not started yet); throws naming `file` on a wrong shape or key.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        try state.requireOnly(tensors: ["queue"], file: file)
        guard let q = state.tensors["queue"] else {
            queue = nil
            return
        }
        let expected = Shape([assign.count, queueLength, prototypes.inputCount])
        guard queueLength > 0, q.shape == expected else {
            throw CheckpointError.shapeMismatch(file: file, key: "queue", expected: expected, found: q.shape)
        }
        queue = q
    }
}
