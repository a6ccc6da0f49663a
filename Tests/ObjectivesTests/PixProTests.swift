import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// PixPro on a tiny ResNet: the loss is the pure consistency loss of the same forward passes, the
/// momentum branch is not trained and follows by EMA with the reference's τ_k, the instance branch
/// adds its weighted term, a ViT trains on its patch-token map, and the propagation module's
/// gradients check.
extension ObjectiveTests {
    /// Two 12 px views with different crop boxes, one flipped.
    func pixproBatch(n: Int = 4) -> TrainingBatch {
        var b = batch(views: 2, n: n)
        let box1 = Tensor(shape: [n, 4], scalars: (0..<n).flatMap { i in [0.0, 0.1, 0.8, 1.0].map { Float($0) + Float(i) * 0.01 } })
        let box2 = Tensor(shape: [n, 4], scalars: (0..<n).flatMap { _ in [Float(1.0), 0.0, 0.2, 0.9] })
        b.viewInfo[0] = ViewInfo(boxes: box1, flipped: Array(repeating: false, count: n), height: 12, width: 12, group: 0)
        b.viewInfo[1] = ViewInfo(boxes: box2, flipped: Array(repeating: true, count: n), height: 12, width: 12, group: 0)
        return b
    }

    func testPixProLossIsTheConsistencyLossAndTrainsOnlyTheOnlineBranch() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var pixpro = PixPro(model: model, projectorHidden: 16, projectorOutput: 8, threshold: 1.5, probeClasses: 3, rng: &rng)
        XCTAssertTrue(pixpro.namedParameters.filter { $0.path.hasPrefix("target.") }.allSatisfy { !$0.parameter.isTrainable })
        let b = pixproBatch()
        let (out, g) = try gradients(&pixpro, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["pixpro", "probe"])
        var m = model
        var o = pixpro
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let y = b.views.map { v in
            o.propagation.forward(o.projector.forward(m.extract(v, context: &ctx).intermediates[3], context: &ctx), context: &ctx)
        }
        var targetContext = Context(training: true, rng: Philox(seed: 1))
        let x = b.views.map { v in
            o.target.projector.forward(o.target.backbone.extract(v, context: &targetContext).intermediates[3], context: &targetContext)
        }
        XCTAssertEqual(y[0].shape, [4, 8, 2, 2], "12 px, CIFAR stem: a 2x2 C5 map")
        let reference = PixProLosses.consistency(
            predictions: (y[0], y[1]), keys: (x[0], x[1]), boxes: (b.viewInfo[0].boxes, b.viewInfo[1].boxes), threshold: 1.5)
        XCTAssertEqual(out.terms[0].value.scalar, reference.scalar, accuracy: 1e-5)
        XCTAssertNotEqual(reference.scalar, 0)
        XCTAssertGreaterThan(out.metrics["pixpro_pairs"] ?? 0, 0)
        XCTAssertFalse(g.keys.contains { $0.hasPrefix("objective.target.") }, "the momentum branch is not trained")
        for key in ["conv1.weight", "objective.projector.linear1.weight", "objective.propagation.value_transform.weight"] {
            XCTAssertGreaterThan(g[key]!.abs().sum().scalar, 0, key)
        }
    }

    /// The first view's term is differentiated before the second view's forward pass
    /// (`backpropagateAhead`): the gradients equal one sweep of the same consistency loss.
    func testPixProGradientsWithTheFirstViewSweptAheadEqualOneSweep() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var pixpro = PixPro(model: model, projectorHidden: 16, projectorOutput: 8, threshold: 1.5, rng: &rng)
        let b = pixproBatch()
        var pair = Pair(model: model, objective: pixpro)
        let (reference, oneSweep) = pair.valueAndGradient { p -> (value: Float, root: Tensor) in
            var ctx = Context(training: true, rng: Philox(seed: 1))
            var targetContext = ctx
            let x = b.views.map { v in
                p.objective.target.projector.forward(
                    p.objective.target.backbone.extract(v, context: &targetContext).intermediates[3],
                    context: &targetContext)
            }
            let y = b.views.map { v in
                p.objective.propagation.forward(
                    p.objective.projector.forward(p.model.extract(v, context: &ctx).intermediates[3], context: &ctx),
                    context: &ctx)
            }
            let loss = PixProLosses.consistency(
                predictions: (y[0], y[1]), keys: (x[0], x[1]),
                boxes: (b.viewInfo[0].boxes, b.viewInfo[1].boxes), threshold: 1.5)
            return (loss.scalar, loss)
        }
        let (out, ahead) = try gradients(&pixpro, &model, b)
        XCTAssertEqual(out.terms[0].value.scalar, reference, accuracy: 1e-6)
        XCTAssertEqual(Set(ahead.keys), Set(oneSweep.keys))
        for (key, g) in oneSweep { assertClose(ahead[key]!, g, atol: 1e-6, rtol: 1e-5, key) }
        XCTAssertGreaterThan(oneSweep["conv1.weight"]!.abs().sum().scalar, 0)
    }

    func testPixProMomentumBranchFollowsByEMAWithTauK() throws {
        let model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var pixpro = PixPro(model: model, projectorHidden: 16, projectorOutput: 8, baseMomentum: 0.9, rng: &rng)
        let before = pixpro.target.projector.linear1.weight.value
        var moved = pixpro.projector
        moved.forEachParameter { path, p in if path == "linear1.weight" { p.value = p.value + 1 } }
        pixpro.projector = moved
        // After optimizer step k = 3 of 10: the reference's update at the start of forward 3 uses
        // τ_3 = 1 − 0.1 · (cos(3π/10) + 1) / 2.
        pixpro.afterStep(model: model, progress: TrainingProgress(step: 3, totalSteps: 10, epoch: 0))
        let tau = Float(1 - 0.1 * (cos(3 * Double.pi / 10) + 1) / 2)
        XCTAssertEqual(pixpro.momentum(step: 3, totalSteps: 10), tau, accuracy: 1e-7)
        assertClose(pixpro.target.projector.linear1.weight.value, before * tau + (before + 1) * (1 - tau), atol: 1e-6, rtol: 1e-5, "EMA")
    }

    func testPixProInstanceBranchAddsItsWeightedTerm() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var pixpro = PixPro(model: model, projectorHidden: 16, projectorOutput: 8, instanceWeight: 0.5, predictorHidden: 12, rng: &rng)
        let (out, g) = try gradients(&pixpro, &model, pixproBatch())
        XCTAssertEqual(out.terms.map(\.name), ["pixpro", "pixpro_instance"])
        XCTAssertEqual(out.terms[1].weight, 0.5)
        let value = out.terms[1].value.scalar
        XCTAssertTrue(value >= -4 && value <= 4 && value != 0, "−2⟨p̂1, k̂2⟩ − 2⟨p̂2, k̂1⟩ lies in [−4, 4]: \(value)")
        XCTAssertGreaterThan(g["objective.predictor.linear1.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.instance_projector.linear2.weight"]!.abs().sum().scalar, 0)
        XCTAssertNotNil(pixpro.target.instanceProjector)
    }

    func testPixProTrainsAViTOnItsPatchTokenMap() throws {
        var rng = Philox(seed: 1)
        var vit = VisionTransformer(
            imageSize: 12, patchSize: 4, inputChannels: 1, featureCount: 8, depth: 1, headCount: 2,
            pooling: .classToken, classCount: nil, rng: &rng)
        var pixpro = PixPro(model: vit, projectorHidden: 8, projectorOutput: 4, threshold: 1.5, rng: &rng)
        let (out, g) = try gradients(&pixpro, &vit, pixproBatch())
        XCTAssertTrue(out.terms[0].value.scalar.isFinite)
        XCTAssertGreaterThan(out.metrics["pixpro_pairs"] ?? 0, 0, "a 3x3 map of patch tokens")
        XCTAssertGreaterThan(g["objective.projector.linear1.weight"]!.abs().sum().scalar, 0)
    }

    func testPixelPropagationGradientsForEachValueTransform() {
        let x = GradientCheck.random([2, 3, 2, 2], seed: 9)
        for layers in 0...2 {
            var rng = Philox(seed: 4)
            let module = PixelPropagation(channels: 3, transformLayers: layers, gamma: 2, rng: &rng)
            assertInputGradients(of: module, at: x, training: true, "value transform of \(layers) layers")
        }
    }
}
