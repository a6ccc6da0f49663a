import Backbones
import NN
import Objectives
import Support
import TensorCore
import TestSupport
import XCTest

/// The DKD objective: its terms are `KDLosses.dkd` of the student and the frozen teacher, weighted by
/// α, β and the warm-up factor; the gradient groups split the task term from the distillation terms.
extension ObjectiveTests {
    func testDKDTermsWeightsAndFrozenTeacher() throws {
        var student = tinyNet(classes: 3, seed: 3)
        var teacher = tinyNet(classes: 3, seed: 4)
        var dkd = DKD<Net>(teacher: teacher, alpha: 1.5, beta: 6, temperature: 2, ceWeight: 0.5, warmupFraction: 0.5)
        XCTAssertTrue(dkd.needsLabels)
        XCTAssertEqual(dkd.gradientGroups, [GradientGroup("task", terms: ["ce"]), GradientGroup("kd", terms: ["tckd", "nckd"])])
        let before = teacher.stateDict
        let b = batch(views: 1)
        // 10 epochs of 2 steps, warm-up 5 epochs: epoch 1 (0-based) gives 2/5.
        let progress = TrainingProgress(step: 2, totalSteps: 20, epoch: 1, stepsPerEpoch: 2)
        let (out, g) = try gradients(&dkd, &student, b, progress: progress)
        XCTAssertEqual(out.terms.map(\.name), ["ce", "tckd", "nckd"])
        XCTAssertEqual(out.terms.map(\.weight), [0.5, 1.5 * 0.4, 6 * 0.4])
        XCTAssertEqual(try XCTUnwrap(out.metrics["dkd_warmup"]), 0.4, accuracy: 1e-7)
        // The terms are the pure loss of the two networks' logits (teacher in inference mode).
        var inference = Context(training: false, rng: Philox(seed: 1))
        let t = teacher.forward(b.views[0], context: &inference)
        var training = Context(training: true, rng: Philox(seed: 1))
        var copy = tinyNet(classes: 3, seed: 3)
        let s = copy.classify(copy.features(b.views[0], context: &training))!
        let expected = KDLosses.dkd(student: s, teacher: t, labels: b.labels!, temperature: 2)
        XCTAssertEqual(out.terms[1].value.scalar, expected.tckd.scalar, accuracy: 1e-5)
        XCTAssertEqual(out.terms[2].value.scalar, expected.nckd.scalar, accuracy: 1e-5)
        XCTAssertGreaterThan(g["fc.weight"]!.abs().sum().scalar, 0)
        XCTAssertFalse(g.keys.contains { $0.hasPrefix("objective.") }, "the teacher is not part of the trained state")
        let after = (dkd.teachers.members[0].model as! Net).stateDict
        for (k, v) in before { XCTAssertEqual(v.scalars, after[k]?.scalars, k) }
    }

    func testDKDWarmupScalesToTheRun() {
        let dkd = DKD<Net>(teacher: tinyNet(classes: 3, seed: 4), warmupFraction: 20.0 / 240.0)
        // mdistiller's 240 epochs: min(e / 20, 1) with the 1-based epoch e.
        XCTAssertEqual(dkd.warmupFactor(TrainingProgress(step: 0, totalSteps: 2400, epoch: 0, stepsPerEpoch: 10)), 1.0 / 20, accuracy: 1e-7)
        XCTAssertEqual(dkd.warmupFactor(TrainingProgress(step: 90, totalSteps: 2400, epoch: 9, stepsPerEpoch: 10)), 0.5, accuracy: 1e-7)
        XCTAssertEqual(dkd.warmupFactor(TrainingProgress(step: 1990, totalSteps: 2400, epoch: 199, stepsPerEpoch: 10)), 1)
        // A 24-epoch run warms up over 2 epochs.
        XCTAssertEqual(dkd.warmupFactor(TrainingProgress(step: 0, totalSteps: 240, epoch: 0, stepsPerEpoch: 10)), 0.5, accuracy: 1e-6)
        XCTAssertEqual(dkd.warmupFactor(TrainingProgress(step: 10, totalSteps: 240, epoch: 1, stepsPerEpoch: 10)), 1)
        let none = DKD<Net>(teacher: tinyNet(classes: 3, seed: 4), warmupFraction: 0)
        XCTAssertEqual(none.warmupFactor(TrainingProgress(step: 0, totalSteps: 240, epoch: 0, stepsPerEpoch: 10)), 1)
    }
}
