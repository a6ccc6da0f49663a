import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// SwAV on a tiny ResNet: multi-crop groups forwarded together, the loss is the pure swapped
/// prediction of the model's scores, prototypes stay unit rows, and the queue fills, is used and
/// round-trips through the objective state.
extension ObjectiveTests {
    /// `large` views of 12 px then `small` views of 8 px, as the loader groups them.
    func multiCropBatch(large: Int = 2, small: Int = 3, n: Int = 4, seed: UInt64 = 30) -> TrainingBatch {
        let sizes = Array(repeating: 12, count: large) + Array(repeating: 8, count: small)
        let views = sizes.enumerated().map { GradientCheck.random([n, 1, $1, $1], seed: seed + UInt64($0)) }
        let infos = sizes.enumerated().map { v, s in
            var info = ViewInfo.wholeImage(count: n, height: s, width: s)
            info.group = s == 12 ? 0 : 1
            return info
        }
        return TrainingBatch(views: views, viewInfo: infos, labels: IntTensor((0..<n).map { $0 % 3 }), sampleIDs: (0..<n).map(UInt64.init))
    }

    func testMultiCropFeaturesForwardEachResolutionGroupTogether() {
        var model = tinyNet(classes: nil, seed: 1)
        let b = multiCropBatch()
        XCTAssertEqual(b.viewGroups, [[0, 1], [2, 3, 4]])
        var ctx = Context(training: true, rng: Philox(seed: 1))
        var m1 = model
        let features = m1.multiCropFeatures(b, context: &ctx)
        XCTAssertEqual(features.map(\.shape), Array(repeating: Shape([4, model.featureCount]), count: 5))
        // Same as forwarding each group's concatenation: BatchNorm statistics per group, not per view.
        var m2 = model
        let small = m2.features(b.groupedViews([2, 3, 4]), context: &ctx)
        XCTAssertEqual(features[3].scalars, small.slice(alongAxis: 0, 4..<8).scalars)
        let alone = model.features(b.views[3], context: &ctx)
        XCTAssertNotEqual(features[3].scalars, alone.scalars, "a view alone has other batch statistics")
    }

    func testSwAVLossIsTheSwappedPredictionOfTheModelsScores() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var swav = SwAV(
            model: model, projectorHidden: 16, projectorOutput: 8, prototypeCount: 6, temperature: 0.1, epsilon: 0.05,
            iterations: 3, assign: [0, 1], probeClasses: 3, rng: &rng)
        let norms = swav.prototypes.weight.value.squared().sum(alongAxes: [1]).scalars
        for v in norms { XCTAssertEqual(v, 1, accuracy: 1e-5, "unit prototypes from the start") }
        let b = multiCropBatch()
        let (out, g) = try gradients(&swav, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["swav", "probe"])
        // The same value from the pure loss on the model's scores.
        var m = model
        var s = swav
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let f = Tensor.concatenate(m.multiCropFeatures(b, context: &ctx), alongAxis: 0)
        let scores = s.prototypes(s.projector.forward(f, context: &ctx).l2Normalized(alongAxis: 1))
        let pure = try SwAVLosses.swappedPrediction(scores: scores, views: 5, assign: [0, 1], temperature: 0.1, epsilon: 0.05, iterations: 3)
        XCTAssertEqual(out.terms[0].value.scalar, pure.loss.scalar, accuracy: 1e-5)
        XCTAssertEqual(out.metrics["prototypes_used"], SwAV<Net>.codeMetrics(pure.codes)["prototypes_used"])
        XCTAssertLessThanOrEqual(out.metrics["code_entropy"]!, Float(Foundation.log(6.0)) + 1e-5)
        for key in ["conv1.weight", "objective.projector.layers.0.weight", "objective.prototypes.weight"] {
            XCTAssertGreaterThan(g[key]!.abs().sum().scalar, 0, key)
        }
        // After a step the prototypes are unit rows again.
        s.prototypes.weight.value = s.prototypes.weight.value * 3
        s.afterStep(model: m, progress: TrainingProgress(step: 1, totalSteps: 10, epoch: 0))
        for v in s.prototypes.weight.value.squared().sum(alongAxes: [1]).scalars { XCTAssertEqual(v, 1, accuracy: 1e-5) }
        XCTAssertThrowsError(try gradients(&swav, &model, batch(views: 1)))
    }

    func testSwAVQueueStartsFillsIsUsedAndRoundTrips() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var swav = SwAV(model: model, projectorHidden: 16, projectorOutput: 8, prototypeCount: 6, queueLength: 8, queueStartEpoch: 1, rng: &rng)
        let b = multiCropBatch()
        _ = try gradients(&swav, &model, b, progress: TrainingProgress(step: 0, totalSteps: 10, epoch: 0))
        XCTAssertNil(swav.queue, "no queue before its start epoch")
        XCTAssertTrue(swav.state.tensors.isEmpty)
        let epoch1 = TrainingProgress(step: 1, totalSteps: 10, epoch: 1)
        _ = try gradients(&swav, &model, b, progress: epoch1)
        let q1 = try XCTUnwrap(swav.queue)
        XCTAssertEqual(q1.shape, [2, 8, 8])
        // Newest first: rows 0..<4 of block 0 are this step's unit embeddings of view 0, rows 4..<8 still zero.
        let block0 = q1.slice(alongAxis: 0, 0..<1).reshaped(to: [8, 8])
        for v in block0.slice(alongAxis: 0, 0..<4).squared().sum(alongAxes: [1]).scalars { XCTAssertEqual(v, 1, accuracy: 1e-5) }
        XCTAssertTrue(block0.slice(alongAxis: 0, 4..<8).scalars.allSatisfy { $0 == 0 })
        // Not full yet: this step's loss equals the queue-less loss of the same batch.
        var probe = swav
        probe.queue = nil
        probe.queueLength = 0
        let (withPartialQueue, _) = try gradients(&swav, &model, b, progress: epoch1)
        let (without, _) = try gradients(&probe, &model, b, progress: epoch1)
        XCTAssertEqual(withPartialQueue.terms[0].value.scalar, without.terms[0].value.scalar, accuracy: 1e-6)
        // Now full: the queue enters the codes and changes the loss. (Of another batch: a queue holding copies of
        // this batch's own embeddings leaves Sinkhorn's codes equal up to rounding.)
        let other = multiCropBatch(seed: 90)
        let (withQueue, _) = try gradients(&swav, &model, other, progress: epoch1)
        let (stillWithout, _) = try gradients(&probe, &model, other, progress: epoch1)
        XCTAssertGreaterThan(abs(withQueue.terms[0].value.scalar - stillWithout.terms[0].value.scalar), 1e-4)
        // The state round-trips bit-exactly; a wrong shape names the key.
        var restored = SwAV(model: model, projectorHidden: 16, projectorOutput: 8, prototypeCount: 6, queueLength: 8, queueStartEpoch: 1, rng: &rng)
        try restored.loadState(swav.state, file: "s.safetensors")
        XCTAssertEqual(restored.queue?.scalars, swav.queue?.scalars)
        XCTAssertThrowsError(try restored.loadState(SafeTensors(tensors: ["queue": Tensor(zeros: [2, 4, 8])]), file: "s.safetensors")) {
            XCTAssertEqual($0 as? CheckpointError, .shapeMismatch(file: "s.safetensors", key: "queue", expected: [2, 8, 8], found: [2, 4, 8]))
        }
        XCTAssertThrowsError(try restored.loadState(SafeTensors(tensors: ["bank": Tensor(zeros: [1])]), file: "s.safetensors"))
    }

    /// Argmax prototype of each held-out sample's score row, recomputed with plain loops (inference mode).
    private func argmaxPrototypes(_ swav: SwAV<Net>, model: Net, data: DatasetPass) throws -> Set<Int> {
        var ctx = Context(training: false, rng: Philox(seed: 0))
        var swav = swav
        var model = model
        var out = Set<Int>()
        let c = swav.prototypes.weight.value.scalars
        let k = swav.prototypes.outputCount
        let d = swav.prototypes.inputCount
        try data.forEachBatch { b in
            let z = swav.projector.forward(model.features(b.views[0], context: &ctx), context: &ctx).l2Normalized(alongAxis: 1).scalars
            for i in 0..<(z.count / d) {
                let scores = (0..<k).map { j in (0..<d).reduce(Float(0)) { $0 + z[i * d + $1] * c[j * d + $1] } }
                out.insert(scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!)
            }
        }
        return out
    }

    func testSwAVValidationMetricsCountTheArgmaxPrototypesOfHeldOutSamples() throws {
        var model = tinyNet(classes: nil, seed: 3)
        var rng = Philox(seed: 4)
        var swav = SwAV(model: model, projectorHidden: 16, projectorOutput: 8, prototypeCount: 40, rng: &rng)
        let expected = try argmaxPrototypes(swav, model: model, data: pass(30))
        XCTAssertGreaterThan(expected.count, 1)
        XCTAssertEqual(try swav.validationMetrics(model: &model, data: pass(30)), ["prototypes_used": Float(expected.count)])
        // Collapse shows: with every prototype the same unit vector, one prototype is everyone's argmax.
        let row = swav.prototypes.weight.value.slice(alongAxis: 0, 0..<1).scalars
        swav.prototypes.weight.value = Tensor(shape: [40, 8], scalars: Array((0..<40).map { _ in row }.joined()))
        XCTAssertEqual(try swav.validationMetrics(model: &model, data: pass(30)), ["prototypes_used": 1])
    }
}
