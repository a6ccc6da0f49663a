import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// Behaviour of the objectives on a tiny ResNet: gradients reach what should learn and nothing else.
final class ObjectiveTests: XCTestCase {
    typealias Net = ResNet<BasicBlock>

    func tinyNet(classes: Int?, seed: UInt64) -> Net {
        var rng = Philox(seed: seed)
        return Net(blocks: [1, 1, 1, 1], stem: .cifar, inputChannels: 1, width: 0.125, classCount: classes, zeroInitResidual: false, rng: &rng)
    }

    func batch(views: Int, n: Int = 4) -> TrainingBatch {
        TrainingBatch(
            views: (0..<views).map { GradientCheck.random([n, 1, 12, 12], seed: UInt64(10 + $0)) },
            labels: IntTensor((0..<n).map { $0 % 3 }), sampleIDs: (0..<n).map(UInt64.init))
    }

    /// A backbone and an objective trained together (the objective's parameters under `objective.`).
    struct Pair<O: Objective>: Layer {
        var model: O.Model
        var objective: O
        mutating func visitParameters(_ visitor: inout ParameterVisitor) {
            visitor.visit("", &model)
            visitor.visit("objective", &objective)
        }
    }

    /// One training step's gradients, keyed by path.
    func gradients<O: Objective>(
        _ objective: inout O, _ model: inout O.Model, _ b: TrainingBatch,
        progress: TrainingProgress = TrainingProgress(step: 0, totalSteps: 10, epoch: 0)
    ) throws
        -> (ObjectiveOutput, [String: Tensor])
    {
        var pair = Pair(model: model, objective: objective)
        let (out, g) = try pair.valueAndGradient { p -> (value: ObjectiveOutput, root: Tensor) in
            var ctx = Context(training: true, rng: Philox(seed: 1))
            let out = try p.objective.losses(model: &p.model, batch: b, progress: progress, context: &ctx)
            return (out, out.total)
        }
        model = pair.model
        objective = pair.objective
        return (out, g)
    }

    func testBYOLLossTrainsOnlineNetworkAndNotTheTarget() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var byol = BYOL(model: model, projectorHidden: 16, projectorOutput: 8, predictorHidden: 16, probeClasses: 3, rng: &rng)
        let targetParameters = byol.namedParameters.filter { $0.path.hasPrefix("target.") }
        XCTAssertFalse(targetParameters.isEmpty)
        XCTAssertTrue(targetParameters.allSatisfy { !$0.parameter.isTrainable })
        let b = batch(views: 2)
        let (out, g) = try gradients(&byol, &model, b)
        XCTAssertEqual(out.terms.map(\.name), ["byol", "probe"])
        // The term is the symmetric loss of the online predictions against the target projections
        // of the other view, recomputed from the same forward passes.
        var m = model
        var o = byol
        var ctx = Context(training: true, rng: Philox(seed: 1))
        let q = b.views.map { v in o.predictor.forward(o.projector.forward(m.features(v, context: &ctx), context: &ctx), context: &ctx) }
        var targetContext = Context(training: true, rng: Philox(seed: 1))
        let z = b.views.map { v in o.target.projector.forward(o.target.backbone.features(v, context: &targetContext), context: &targetContext) }
        let reference = SSLLosses.byolSymmetric(predictions: (q[0], q[1]), targets: (z[0], z[1])).scalar
        XCTAssertEqual(out.terms[0].value.scalar, reference, accuracy: 1e-5)
        XCTAssertNotEqual(reference, 0, "views differ, so the loss is not trivially zero")
        XCTAssertFalse(g.keys.contains { $0.hasPrefix("objective.target.") }, "the EMA target is not trained")
        XCTAssertGreaterThan(g["conv1.weight"]!.abs().sum().scalar, 0, "the backbone gets gradient")
        XCTAssertGreaterThan(g["objective.predictor.layers.0.weight"]!.abs().sum().scalar, 0)
        XCTAssertGreaterThan(g["objective.probe.layers.0.weight"]!.abs().sum().scalar, 0)
    }

    /// An objective given fewer views than it needs throws `tooFewViews` naming itself (no index trap), and
    /// one-view objectives say 1 through the protocol's default.
    func testTooFewViewsIsATypedError() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var byol = BYOL(model: model, projectorHidden: 16, projectorOutput: 8, predictorHidden: 16, rng: &rng)
        var simclr = SimCLR(model: model, projectorHidden: 16, projectorOutput: 8, rng: &rng)
        var context = Context(training: true, rng: Philox(seed: 3))
        let progress = TrainingProgress(step: 0, totalSteps: 1, epoch: 0)
        XCTAssertThrowsError(try byol.losses(model: &model, batch: batch(views: 1), progress: progress, context: &context)) {
            XCTAssertEqual($0 as? ObjectiveError, .tooFewViews(objective: "byol", needed: 2, got: 1))
        }
        XCTAssertThrowsError(try simclr.losses(model: &model, batch: batch(views: 1), progress: progress, context: &context)) {
            XCTAssertEqual($0 as? ObjectiveError, .tooFewViews(objective: "simclr", needed: 2, got: 1))
        }
        XCTAssertEqual(try batch(views: 3).views(2, for: "x").count, 2)
        let teacher = tinyNet(classes: 3, seed: 4)
        XCTAssertEqual(HintonKD<Net>(teacher: teacher).viewCount, 1)
        XCTAssertEqual(byol.viewCount, 2)
    }

    /// View 1's term is differentiated before view 2's forward pass (`backpropagateAhead`): the
    /// gradients equal one sweep of the symmetric loss of the same forward passes.
    func testBYOLGradientsWithTheFirstViewSweptAheadEqualOneSweep() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var byol = BYOL(model: model, projectorHidden: 16, projectorOutput: 8, predictorHidden: 16, rng: &rng)
        let b = batch(views: 2)
        var pair = Pair(model: model, objective: byol)
        let (reference, oneSweep) = pair.valueAndGradient { p -> (value: Float, root: Tensor) in
            var ctx = Context(training: true, rng: Philox(seed: 1))
            var targetContext = ctx
            let q = b.views.map { v in
                p.objective.predictor.forward(p.objective.projector.forward(p.model.features(v, context: &ctx), context: &ctx), context: &ctx)
            }
            let z = b.views.map { v in
                p.objective.target.projector.forward(p.objective.target.backbone.features(v, context: &targetContext), context: &targetContext)
            }
            let loss = SSLLosses.byolSymmetric(predictions: (q[0], q[1]), targets: (z[0], z[1]))
            return (loss.scalar, loss)
        }
        let (out, ahead) = try gradients(&byol, &model, b)
        XCTAssertEqual(out.terms[0].value.scalar, reference, accuracy: 1e-6)
        XCTAssertEqual(Set(ahead.keys), Set(oneSweep.keys))
        for (key, g) in oneSweep { assertClose(ahead[key]!, g, atol: 1e-6, rtol: 1e-5, key) }
    }

    func testBYOLTargetFollowsTheOnlineNetworkByEMA() throws {
        var model = tinyNet(classes: nil, seed: 1)
        var rng = Philox(seed: 2)
        var byol = BYOL(model: model, projectorHidden: 16, projectorOutput: 8, predictorHidden: 16, baseMomentum: 0.9, rng: &rng)
        let target0 = byol.target.backbone.stateDict["conv1.weight"]!
        // Move the online network, then update: target = τ target + (1 - τ) online, τ = τ₀ at step 0.
        model.forEachParameter { path, p in if path == "conv1.weight" { p.value = p.value + 1 } }
        byol.afterStep(model: model, progress: TrainingProgress(step: 1, totalSteps: 10, epoch: 0))
        let online = model.stateDict["conv1.weight"]!
        let expected = target0 * 0.9 + online * 0.1
        let got = byol.target.backbone.stateDict["conv1.weight"]!
        assertClose(got, expected, atol: 1e-6, rtol: 0)
        XCTAssertEqual(byol.momentum(step: 10, totalSteps: 10), 1, accuracy: 1e-6)
        XCTAssertEqual(byol.momentum(step: 5, totalSteps: 10), 0.95, accuracy: 1e-6)
    }

    func testKDTeacherIsFrozenAndStudentLearns() throws {
        var student = tinyNet(classes: 3, seed: 3)
        let teacher = tinyNet(classes: 3, seed: 4)
        var kd = HintonKD<Net>(teacher: teacher, temperature: 4, alpha: 0.3)
        let before = teacher.stateDict
        let (out, g) = try gradients(&kd, &student, batch(views: 1))
        XCTAssertEqual(Set(out.terms.map(\.name)), ["kd_soft", "ce"])
        XCTAssertEqual(out.terms.first { $0.name == "ce" }?.weight, 0.3)
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
        XCTAssertFalse(g.keys.contains { $0.hasPrefix("objective.") }, "the teacher is not part of the trained state")
        // Inference mode: the teacher's running statistics did not move.
        let after = (kd.teachers.members[0].model as! Net).stateDict
        for (k, v) in before { XCTAssertEqual(v.scalars, after[k]?.scalars, k) }
    }

    func testSupervisedNeedsLabelsAndReportsAccuracy() throws {
        var model = tinyNet(classes: 3, seed: 5)
        var sup = Supervised<Net>(labelSmoothing: 0.1)
        XCTAssertTrue(sup.needsLabels)
        let (out, g) = try gradients(&sup, &model, batch(views: 1))
        XCTAssertEqual(out.terms.map(\.name), ["ce"])
        XCTAssertNotNil(out.metrics["accuracy"])
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
    }
}
