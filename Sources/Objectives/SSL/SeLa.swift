import Backbones
import NN
import Support
import TensorCore

/// SeLa, self-labelling via simultaneous clustering and representation learning (Asano et al. 2020,
/// yukimasano/self-label `main.py`, `sinkhornknopp.py`).
///
/// - **Training.** Backbone → `heads` linear classification heads (with bias, `K` clusters each,
///   the reference's `top_layer<h>`); the loss is the mean over heads of the cross-entropy against
///   each sample's pseudo-label (`SelfLabelLosses.crossEntropy`), looked up by sample id in the label
///   table. It trains on the first view of the batch.
/// - **Labelling.** Before the steps of `labelSteps` (step 0 first, `beforeStep`), a no-grad pass over
///   the whole training part of the store (`DatasetPass`: centre views, store order; split round-robin
///   by batch across the ranks of a data-parallel run, features gathered) collects the
///   pooled features; per head, `P = softmax(head(features))` and Sinkhorn-Knopp in Float64 with λ
///   (`SelfLabelLosses.labels`, `optimize_L_sk`) give the new labels. The pass uses batch statistics
///   (the reference labels with the model in training mode) on a copy of the backbone, so the pass
///   leaves the running statistics untouched.
/// - **State.** The label table (`sample_ids` `[N]`, `labels` `[H, N]`, I64) is saved with every
///   checkpoint and restored on resume.
///
/// Each labelling reports (to `metrics.jsonl`) `sela_clusters` (distinct labels of head 0) and
/// `sela_sinkhorn_iterations`, and, when the store has labels, `sela_nmi` and `sela_ari` of head
/// 0's pseudo-labels against them. Step metrics: `sela_agreement` (head 0's argmax equals its
/// pseudo-label); an optional online linear probe (term `probe`). On the validation part
/// (`validationMetrics`): `val_sela_clusters`, `val_sela_nmi`, `val_sela_ari` of head 0's argmax.
public struct SeLa<Model: Backbone>: Objective {
    /// The classification heads `[N, F] -> [N, K]`.
    public var heads: [Linear]
    /// The online linear probe on detached features (nil: none).
    public var probe: OnlineProbe?
    /// λ of Sinkhorn-Knopp (P^λ).
    public var lambda: Double
    /// How many labellings the run has (`nopts`), spaced by `labelSteps`.
    public var labelUpdates: Int
    /// The sample ids of the label table (store order of the last labelling).
    public private(set) var sampleIDs: [UInt64] = []
    /// The pseudo-labels `[H][N]`, row `i` for `sampleIDs[i]`.
    public private(set) var labels: [[Int32]] = []
    private var row: [UInt64: Int] = [:]

    /// SeLa around `model` with `headCount` heads of `clusterCount` clusters.
    public init(
        model: Model, headCount: Int = 1, clusterCount: Int = 3000, lambda: Double = 25, labelUpdates: Int = 1,
        probeClasses: Int? = nil, rng: inout Philox
    ) {
        heads = (0..<headCount).map { _ in Linear(inputCount: model.featureCount, outputCount: clusterCount, rng: &rng) }
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        self.lambda = lambda
        self.labelUpdates = labelUpdates
    }

    /// The steps (below `totalSteps`) before which `updates` labellings run, spaced as `main.py`'s
    /// `optimize_times`: update `i` after `(E + 1.01)·N·(i / (updates − 1))²` samples of an
    /// `E`-epoch run over `N` samples, i.e. before step `⌈(T + 1.01·S)·(i / (updates − 1))²⌉` of a run
    /// of `T` steps with `S` per epoch. Updates past the end are dropped (the reference's last one
    /// always is, by the 1.01), and ones that round to the same step run once.
    public static func labelSteps(updates: Int, totalSteps: Int, stepsPerEpoch: Int) -> [Int] {
        guard updates > 1 else { return [0] }
        var out = Set<Int>()
        let span = Double(totalSteps) + 1.01 * Double(stepsPerEpoch)
        for i in 0..<updates {
            let f = Double(i) / Double(updates - 1)
            let step = Int((span * f * f).rounded(.up))
            if step < totalSteps { out.insert(step) }
        }
        return out.sorted()
    }

    /// Visits `heads.<h>.*` and `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("heads", &heads)
        visitor.visit("probe", &probe)
    }

    /// `sela` (mean cross-entropy of the heads against the pseudo-labels of the batch's samples) and,
    /// with a probe and labels, `probe`. Metrics: `sela_agreement`, `probe_accuracy`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        guard !batch.views.isEmpty else { throw ObjectiveError.tooFewViews(objective: "sela", needed: 1, got: 0) }
        var rows: [Int] = []
        rows.reserveCapacity(batch.count)
        for id in batch.sampleIDs {
            guard let r = row[id] else {
                throw ObjectiveError.shapeMismatch(
                    objective: "sela",
                    message: "sample \(id) has no pseudo-label; "
                        + (labels.isEmpty ? "no labelling has run yet" : "the label table holds \(sampleIDs.count) other samples"))
            }
            rows.append(r)
        }
        let features = model.features(batch.views[0], context: &context)
        let logits = heads.map { $0(features) }
        let targets = labels.map { table in IntTensor(rows.map { table[$0] }) }
        var terms = [LossTerm("sela", SelfLabelLosses.crossEntropy(logits: logits, labels: targets))]
        var metrics = ["sela_agreement": Metrics.accuracy(logits[0], targets[0])]
        probe?.addTerm(features: features, labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics)
    }

    /// Relabels the training part before the steps of `labelSteps` (the first before step 0).
    public mutating func beforeStep(model: inout Model, progress: TrainingProgress, data: DatasetPass) throws {
        let steps = Self.labelSteps(updates: labelUpdates, totalSteps: progress.totalSteps, stepsPerEpoch: progress.stepsPerEpoch)
        guard steps.contains(progress.step) else { return }
        data.report(try relabel(model: model, data: data))
    }

    /// Recomputes every head's labels from a pass over `data`; returns the metrics of the labelling.
    public mutating func relabel(model: Model, data: DatasetPass) throws -> [String: Float] {
        let (ids, features, truth) = try Self.passFeatures(model: model, data: data)
        guard !ids.isEmpty else { return [:] }
        let x = Tensor(shape: [ids.count, model.featureCount], scalars: features)
        var table: [[Int32]] = []
        var iterations = 0
        for head in heads {
            let labelling = try SelfLabelLosses.labels(logits: head(x), lambda: lambda)
            table.append(labelling.labels)
            iterations = max(iterations, labelling.iterations)
        }
        sampleIDs = ids
        labels = table
        row = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var metrics = Self.clusterMetrics(table[0], truth: truth)
        metrics["sela_sinkhorn_iterations"] = Float(iterations)
        return metrics
    }

    /// The pass's sample ids, features `[N·F]` (training-mode BatchNorm per batch, on a copy of the
    /// model) and labels (nil when any batch has none), in pass order. In a data-parallel run each rank
    /// forwards its round-robin share of the batches and the shares are gathered (ids as four 16-bit
    /// chunks, exact in Float32), so every rank gets the same arrays as one process would.
    static func passFeatures(model: Model, data: DatasetPass) throws -> (ids: [UInt64], features: [Float], truth: [Int32]?) {
        var net = model  // the pass's BatchNorm statistics stay in this copy
        var context = Context(training: true, rng: Philox(seed: 0))
        var ids: [UInt64] = []
        var features: [Float] = []
        var truth: [Int32]? = []
        var batches: [Float] = []  // (index, count) of each visited batch
        ids.reserveCapacity(data.sampleCount)
        features.reserveCapacity(data.sampleCount * model.featureCount)
        try data.forEachBatchOfThisRank { index, b in
            batches += [Float(index), Float(b.count)]
            ids.append(contentsOf: b.sampleIDs)
            features.append(contentsOf: net.features(b.views[0], context: &context).scalars)
            if let l = b.labels, truth != nil { truth!.append(contentsOf: l.scalars) } else { truth = nil }
        }
        let group = data.group
        guard group.isDistributed else { return (ids, features, truth) }
        let f = model.featureCount
        let allBatches = group.allGatherVariable(batches)
        let allIDs = group.allGatherVariable(ids.flatMap { id in (0..<4).map { Float((id >> (16 * UInt64($0))) & 0xFFFF) } })
        let allFeatures = group.allGatherVariable(features)
        var labelled: [Double] = [truth == nil ? 1 : 0]
        group.allReduceSum(&labelled)
        let allTruth = group.allGatherVariable(truth.map { $0.map(Float.init) } ?? [])
        // Each rank's batches in visiting order, then all of them by index.
        var pieces: [(index: Int, rank: Int, start: Int, count: Int)] = []
        for r in 0..<group.size {
            var start = 0
            for k in stride(from: 0, to: allBatches[r].count, by: 2) {
                let count = Int(allBatches[r][k + 1])
                pieces.append((Int(allBatches[r][k]), r, start, count))
                start += count
            }
        }
        var outIDs: [UInt64] = []
        var outFeatures: [Float] = []
        var outTruth: [Int32]? = labelled[0] == 0 ? [] : nil
        for p in pieces.sorted(by: { $0.index < $1.index }) {
            for i in p.start..<(p.start + p.count) {
                outIDs.append((0..<4).reduce(UInt64(0)) { $0 | UInt64(allIDs[p.rank][4 * i + $1]) << (16 * UInt64($1)) })
            }
            outFeatures += allFeatures[p.rank][(p.start * f)..<((p.start + p.count) * f)]
            if outTruth != nil { outTruth! += allTruth[p.rank][p.start..<(p.start + p.count)].map { Int32($0) } }
        }
        return (outIDs, outFeatures, outTruth)
    }

    /// Head 0's clusters on held-out samples (centre views, inference mode): `clusters` (distinct
    /// argmax predictions) and, when `data` has labels, `nmi` and `ari` of those predictions against
    /// them: whether the clustering the heads learned carries to samples never labelled.
    public mutating func validationMetrics(model: inout Model, data: DatasetPass) throws -> [String: Float] {
        var context = Context(training: false, rng: Philox(seed: 0))
        var predicted: [Int32] = []
        var truth: [Int32]? = []
        try data.forEachBatch { b in
            predicted.append(contentsOf: heads[0](model.features(b.views[0], context: &context)).argmax(alongAxis: 1).scalars)
            if let l = b.labels, truth != nil { truth!.append(contentsOf: l.scalars) } else { truth = nil }
        }
        guard !predicted.isEmpty else { return [:] }
        return Self.clusterMetrics(predicted, truth: truth)
    }

    /// `sela_clusters` (distinct values of `labels`) and, when `truth` covers every sample, `sela_nmi`
    /// and `sela_ari` of `labels` against it.
    static func clusterMetrics(_ labels: [Int32], truth: [Int32]?) -> [String: Float] {
        var metrics: [String: Float] = ["sela_clusters": Float(Set(labels).count)]
        if let truth, truth.count == labels.count {
            metrics["sela_nmi"] = Float(Metrics.normalizedMutualInformation(truth, labels))
            metrics["sela_ari"] = Float(Metrics.adjustedRandIndex(truth, labels))
        }
        return metrics
    }

    /// The label table: `sample_ids` `[N]` (the ids' bits as I64) and `labels` `[H, N]`.
    public var state: SafeTensors {
        guard !sampleIDs.isEmpty else { return SafeTensors() }
        return SafeTensors(integers: [
            "sample_ids": Int64Tensor(shape: [sampleIDs.count], scalars: sampleIDs.map { Int64(bitPattern: $0) }),
            "labels": Int64Tensor(shape: [labels.count, sampleIDs.count], scalars: labels.flatMap { $0.map(Int64.init) }),
        ])
    }

    /// Restores the label table (absent: no labelling yet); throws naming `file` on a mismatch.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        try state.requireOnly(integers: ["sample_ids", "labels"], file: file)
        guard let ids = state.integers["sample_ids"] else {
            if let l = state.integers["labels"] { throw CheckpointError.unexpectedKey(file: file, key: "labels", shape: l.shape) }
            sampleIDs = []
            labels = []
            row = [:]
            return
        }
        let n = ids.scalars.count
        let k = heads.first?.outputCount ?? 0
        guard let l = state.integers["labels"] else { throw CheckpointError.missingKey(file: file, key: "labels", expectedShape: [heads.count, n]) }
        guard l.shape == Shape([heads.count, n]) else {
            throw CheckpointError.shapeMismatch(file: file, key: "labels", expected: [heads.count, n], found: l.shape)
        }
        if l.scalars.contains(where: { $0 < 0 || $0 >= Int64(k) }) {
            throw CheckpointError.malformed(file: file, message: "'labels' holds a cluster outside [0, \(k))")
        }
        sampleIDs = ids.scalars.map { UInt64(bitPattern: $0) }
        labels = (0..<heads.count).map { h in l.scalars[(h * n)..<((h + 1) * n)].map { Int32($0) } }
        row = Dictionary(sampleIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
