import Backbones
import Cluster
import Foundation
import NN
import Objectives
import Recipes
import Support
import TensorCore
import TestSupport
import XCTest

/// The rank side of `DataParallelTests`: each test runs only inside `mpirun -np 2` (the driver sets
/// `RETORT_MPI_WORKER`; alone it is skipped). Every rank computes the single-process reference on the
/// whole global batch itself, then its share of the data-parallel step (half the batch, collectives
/// over MPI, gradients averaged), and checks that the two agree: every gradient, and every weight after
/// one SGD step, within 1e-5 × the tensor's largest magnitude, or 3× the one-process rounding floor where
/// that is larger (2 ranks × 64 samples against one process on 128). Winograd convolutions (layers of 16
/// channels and more) put that floor at about 1–1.6e-5: their rounding is larger than im2col's.
final class MPIWorkerTests: XCTestCase {
    typealias Net = ResNet<BasicBlock>
    static let globalBatch = 128

    /// A BN network (tiny ResNet-18 with a classifier) trained with SyncBN: supervised cross-entropy.
    func testSyncBatchNormNetwork() throws {
        try onRanks { group in
            let model = tinyNet(classes: 3)
            try compare(Supervised(), model: model, group: group) { rows in images(views: 1, rows: rows) }
        }
    }

    /// Hinton KD (per-sample terms: averaging the ranks' gradients is enough) with a frozen teacher.
    func testHintonKD() throws {
        try onRanks { group in
            var rng = Philox(seed: 9)
            let teacher = Net(blocks: [1, 1, 1, 1], stem: .cifar, inputChannels: 1, width: 0.25, classCount: 3, zeroInitResidual: false, rng: &rng)
            let kd = HintonKD<Net>(teachers: TeacherEnsemble(teacher: teacher), temperature: 4, alpha: 0.5)
            try compare(kd, model: tinyNet(classes: 3), group: group) { rows in images(views: 1, rows: rows) }
        }
    }

    /// SimCLR with every rank's projections as negatives (and SyncBN in the backbone and projector).
    func testSimCLRGatheredNegatives() throws {
        try onRanks { group in
            let model = tinyNet(classes: nil)
            var rng = Philox(seed: 2)
            let simclr = SimCLR(model: model, projectorHidden: 16, projectorOutput: 8, temperature: 0.2, rng: &rng)
            try compare(simclr, model: model, group: group) { rows in images(views: 2, rows: rows) }
        }
    }

    /// SwAV's codes from the global Sinkhorn, with a full queue (each rank scores its half of it), at
    /// T = 1, ε = 0.5, where rounding is not amplified: within 1e-5.
    func testSwAVGlobalSinkhorn() throws {
        try onRanks { group in try compareSwAV(temperature: 1, epsilon: 0.5, group: group) }
    }

    /// The same at the reference T = 0.1, ε = 0.05, whose 1/T and 1/ε amplify the rounding of the
    /// scores (4.7e-6 measured here; 1.3e-5 at 2 × 4 samples, against a one-process reordering floor of
    /// 6.2e-6): within 1e-5, or 3× that floor where the floor itself is larger.
    func testSwAVGlobalSinkhornAtReferenceTemperatures() throws {
        try onRanks { group in try compareSwAV(temperature: 0.1, epsilon: 0.05, floorFactor: 3, group: group) }
    }

    private func compareSwAV(temperature: Float, epsilon: Float, floorFactor: Float = 3, group: any Communicator) throws {
        let model = tinyNet(classes: nil)
        var rng = Philox(seed: 2)
        var swav = SwAV(
            model: model, projectorHidden: 16, projectorOutput: 8, prototypeCount: 6, temperature: temperature, epsilon: epsilon,
            iterations: 3, assign: [0, 1], queueLength: 16, queueStartEpoch: 0, rng: &rng)
        swav.queue = GradientCheck.random([2, 16, 8], seed: 77).l2Normalized(alongAxis: 2)
        try compare(swav, model: model, group: group, floorFactor: floorFactor) { rows in multiCrop(rows: rows) }
    }

    /// CLIP's logits against every rank's embeddings of the other tower.
    func testCLIPGatheredLogits() throws {
        try onRanks { group in
            let model = tinyNet(classes: nil)
            var rng = Philox(seed: 3)
            let tower = TextTransformer(
                contextLength: 6, vocabularySize: 12, width: 8, depth: 1, headCount: 2, featureCount: 6, endToken: 2, rng: &rng)
            let clip = CLIP(model: model, textTower: tower, vocabulary: ["<pad>", "<start>", "<end>", "a", "b"], rng: &rng)
            try compare(clip, model: model, group: group) { rows in
                var b = images(views: 1, rows: rows)
                b.text = TextBatch(ids: captions(rows: rows))
                return b
            }
        }
    }

    /// The two differentiable collectives against central differences of the job's total loss
    /// `L = Σ_r f_r` with `f_r = Σ allGathered(x_r) ⊙ A + Σ SyncBN(y_r) ⊙ B_r`: each rank's tape gradient of its
    /// own `f_r` (whose backward all-reduces) must be `∂L/∂x_r`, `∂L/∂y_r`, where every rank perturbs in turn
    /// and the ranks sum their `f` for each evaluation (in Float64 steps of 1e-2 on Float32 values).
    func testAllGatherAndSyncBatchNormMatchFiniteDifferences() throws {
        try onRanks { group in
            let x = GradientCheck.random([3, 4], seed: 40 + UInt64(group.rank))
            let y = GradientCheck.random([4, 2, 3, 3], seed: 50 + UInt64(group.rank))
            let a = GradientCheck.random([3 * group.size, 4], seed: 60)
            let b = GradientCheck.random([4, 2, 3, 3], seed: 70 + UInt64(group.rank))
            let scale = GradientCheck.random([2], in: 0.5, 1.5, seed: 80)
            let shift = GradientCheck.random([2], seed: 81)
            func local(_ x: Tensor, _ y: Tensor) -> Tensor {
                var mean = Tensor(zeros: [2])
                var variance = Tensor(repeating: 1, shape: [2])
                let normalized = Tensor.batchNorm(
                    y, scale: scale, shift: shift, runningMean: &mean, runningVariance: &variance, training: true, group: group)
                return (x.allGathered(over: group) * a).sum() + (normalized * b).sum()
            }
            let tape = Tape()
            let (xt, yt) = (tape.watch(x), tape.watch(y))
            let analytic = tape.gradients(of: local(xt, yt), wrt: [xt, yt])
            func total(_ x: Tensor, _ y: Tensor) -> Double {
                var f = [Double(local(x, y).scalar)]
                group.allReduceSum(&f)
                return f[0]
            }
            let h: Float = 1e-2
            for (input, which) in [(x, 0), (y, 1)] {
                var numeric = [Float](repeating: 0, count: input.count)
                for owner in 0..<group.size {
                    for e in 0..<input.count {
                        func shifted(_ d: Float) -> Double {
                            var values = input.scalars
                            if owner == group.rank { values[e] += d }
                            let moved = Tensor(shape: input.shape, scalars: values)
                            return which == 0 ? total(moved, y) : total(x, moved)
                        }
                        let slope = Float((shifted(h) - shifted(-h)) / Double(2 * h))
                        if owner == group.rank { numeric[e] = slope }
                    }
                }
                TestSupport.assertClose(
                    analytic[which].scalars, numeric, atol: 1e-3, rtol: 1e-2,
                    which == 0 ? "allGathered on rank \(group.rank)" : "SyncBN on rank \(group.rank)")
            }
        }
    }

    /// SeLa's dataset pass split round-robin over the ranks (37 samples in 5 batches: 3 on rank 0, 2 on
    /// rank 1) and gathered: the same label table, ids and metrics as one process's pass, exactly.
    func testSeLaSplitDatasetPass() throws {
        try onRanks { group in
            let model = tinyNet(classes: nil)
            var rng = Philox(seed: 4)
            var alone = SeLa(model: model, headCount: 2, clusterCount: 4, lambda: 25, rng: &rng)
            var shared = alone
            let metrics = try alone.relabel(model: model, data: pass(group: SingleProcess()))
            let sharedMetrics = try shared.relabel(model: model, data: pass(group: group))
            XCTAssertEqual(shared.sampleIDs, alone.sampleIDs)
            XCTAssertEqual(shared.sampleIDs.count, 37)
            XCTAssertEqual(shared.labels, alone.labels)
            XCTAssertEqual(sharedMetrics, metrics)
            XCTAssertNotNil(metrics["sela_nmi"], "labels travelled too")
        }
    }

    /// 37 samples in batches of 8 (ids 2⁴⁰ + i, so the high chunks of an id travel; labels i % 3).
    private func pass(group: any Communicator) -> DatasetPass {
        var pass = DatasetPass(sampleCount: 37) { visit in
            for start in stride(from: 0, to: 37, by: 8) {
                let m = min(8, 37 - start)
                try visit(
                    TrainingBatch(
                        views: [GradientCheck.random([m, 1, 12, 12], seed: UInt64(500 + start))],
                        labels: IntTensor((start..<(start + m)).map { $0 % 3 }), sampleIDs: (start..<(start + m)).map { (1 << 40) + UInt64($0) }))
            }
        }
        pass.group = group
        return pass
    }

    // MARK: - Harness

    /// Runs `body` on this rank of the MPI job (skipped outside one), then finalises MPI.
    private func onRanks(_ body: (MPICommunicator) throws -> Void) throws {
        guard ProcessInfo.processInfo.environment["RETORT_MPI_WORKER"] != nil else {
            throw XCTSkip("runs inside mpirun, started by DataParallelTests")
        }
        let mpi = try MPICommunicator.start()
        defer { mpi.finish() }
        XCTAssertEqual(mpi.size, 2)
        try body(mpi)
    }

    /// The reference (one process, the whole batch) against this rank's data-parallel step: within
    /// 1e-5 × each tensor's largest magnitude, or within `floorFactor` × the rounding floor when that
    /// is larger (the same one-process step on the batch in reverse sample order: the same mathematics,
    /// other rounding; every objective here is invariant to the order of the batch).
    private func compare<O: Objective>(
        _ objective: O, model: O.Model, group: any Communicator, floorFactor: Float = 3, batch: (Range<Int>) -> TrainingBatch
    ) throws {
        let n = Self.globalBatch / group.size
        let reference = try step(objective, model: model, batch: batch(0..<Self.globalBatch), group: SingleProcess())
        let reversed = try step(objective, model: model, batch: batch(0..<Self.globalBatch).reversedSamples(), group: SingleProcess())
        let floor = reference.gradients.map { path, g in relativeError(reversed.gradients[path]!, g) }.max() ?? 0
        let tolerance = max(1e-5, floorFactor * floor)
        let mine = try step(objective, model: model, batch: batch((group.rank * n)..<((group.rank + 1) * n)), group: group)
        XCTAssertEqual(reference.gradients.keys.sorted(), mine.gradients.keys.sorted())
        XCTAssertFalse(reference.gradients.isEmpty)
        var worst = (gradient: Float(0), weight: Float(0))
        for (path, g) in reference.gradients {
            worst.gradient = max(worst.gradient, assertClose(mine.gradients[path]!, g, tolerance, "gradient \(path) on rank \(group.rank)"))
        }
        for (path, w) in reference.weights {
            worst.weight = max(worst.weight, assertClose(mine.weights[path]!, w, tolerance, "weight \(path) after one step on rank \(group.rank)"))
        }
        print(
            "rank \(group.rank): largest |Δ| / largest |value| of a tensor: gradients \(worst.gradient), weights \(worst.weight); "
                + "rounding floor (reversed batch order, one process): gradients \(floor); tolerance \(tolerance)")
    }

    /// One SGD step (momentum 0.9, weight decay) with SyncBN: the averaged gradients and the new weights.
    private func step<O: Objective>(
        _ objective: O, model: O.Model, batch: TrainingBatch, group: any Communicator
    ) throws -> (gradients: [String: Tensor], weights: [String: Tensor]) {
        var pair = TrainModel(backbone: model, objective: objective)
        let (_, raw) = try pair.valueAndGradients { p -> (value: Void, roots: [Tensor]) in
            var context = Context(training: true, rng: Philox(seed: 5), communicator: group, syncBatchNorm: true)
            let out = try p.objective.losses(
                model: &p.backbone, batch: batch, progress: TrainingProgress(step: 3, totalSteps: 10, epoch: 1), context: &context)
            return ((), [out.total])
        }
        var gradients = raw
        GradientAllReduce.average(&gradients, over: group)
        var sgd = SGD(learningRate: 0.5, momentum: 0.9, weightDecay: 1e-4)
        sgd.step(model: &pair, gradients: gradients[0])
        let weights = Dictionary(uniqueKeysWithValues: pair.namedParameters.map { ($0.path, $0.parameter.value) })
        return (gradients[0], weights)
    }

    /// Checks `a` against `b` within `tolerance` × b's largest magnitude (TestSupport's check); returns the ratio.
    @discardableResult
    private func assertClose(_ a: Tensor, _ b: Tensor, _ tolerance: Float, _ what: String) -> Float {
        TestSupport.assertClose(a, b, rtol: tolerance, relativeToLargest: true, what)
        return relativeError(a, b)
    }

    /// max |a − b| / max |b|.
    private func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-12)
        return (zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    func tinyNet(classes: Int?) -> Net {
        var rng = Philox(seed: 1)
        return Net(blocks: [1, 1, 1, 1], stem: .cifar, inputChannels: 1, width: 0.125, classCount: classes, zeroInitResidual: false, rng: &rng)
    }

    /// Rows `rows` of a fixed global batch of `views` 12×12 views, labels and ids.
    private func images(views: Int, rows: Range<Int>) -> TrainingBatch {
        let all = (0..<views).map { GradientCheck.random([Self.globalBatch, 1, 12, 12], seed: UInt64(10 + $0)) }
        return TrainingBatch(
            views: all.map { $0.slice(alongAxis: 0, rows) }, labels: IntTensor(rows.map { $0 % 3 }), sampleIDs: rows.map(UInt64.init))
    }

    /// Two 12-px views and three 8-px views (two resolution groups), rows `rows` of the global batch.
    private func multiCrop(rows: Range<Int>) -> TrainingBatch {
        let sizes = [12, 12, 8, 8, 8]
        let views = sizes.enumerated().map { v, s in
            GradientCheck.random([Self.globalBatch, 1, s, s], seed: 30 + UInt64(v)).slice(alongAxis: 0, rows)
        }
        let infos = sizes.map { s in
            var info = ViewInfo.wholeImage(count: rows.count, height: s, width: s)
            info.group = s == 12 ? 0 : 1
            return info
        }
        return TrainingBatch(views: views, viewInfo: infos, labels: nil, sampleIDs: rows.map(UInt64.init))
    }

    /// Token ids `[n, 6]`: start, 1–3 words, end, padding.
    private func captions(rows: Range<Int>) -> IntTensor {
        var ids: [Int32] = []
        for i in rows {
            var row: [Int32] = [1]
            for k in 0...(i % 3) { row.append(Int32(3 + (i + k) % 2)) }
            row.append(2)
            ids += row + [Int32](repeating: 0, count: 6 - row.count)
        }
        return IntTensor(shape: [rows.count, 6], scalars: ids)
    }
}

extension TrainingBatch {
    /// The batch with its samples in reverse order (every view, label, id and caption).
    fileprivate func reversedSamples() -> TrainingBatch {
        let order = IntTensor(Array((0..<count).reversed()))
        var b = TrainingBatch(
            views: views.map { $0.indexSelect(alongAxis: 0, order) }, viewInfo: viewInfo,
            labels: labels.map { IntTensor(Array($0.scalars.reversed())) },
            sampleIDs: sampleIDs.reversed())
        if let text {
            b.text = TextBatch(
                ids: IntTensor(
                    shape: text.ids.shape,
                    scalars: (0..<count).reversed().flatMap { i in text.ids.scalars[(i * text.ids.shape[1])..<((i + 1) * text.ids.shape[1])] }))
        }
        return b
    }
}
