import NN
import Support
import TensorCore
import TestSupport
import XCTest

final class TrainingStepTests: XCTestCase {
    /// One step: watch, forward (BN statistics update in place), backward, drop the tape, update.
    private func step(_ model: inout TinyNet, _ opt: inout SGD, _ x: Tensor, _ labels: IntTensor) -> Float {
        let grads: [String: Tensor]
        let lossValue: Float
        do {
            let tape = Tape()
            var ctx = Context(training: true, rng: Philox(seed: 1))
            let watched = model.watchParameters(on: tape)
            let loss = Tensor.crossEntropy(logits: model.forward(x, context: &ctx), labels: labels)
            grads = tape.gradients(of: loss, wrt: watched)
            lossValue = loss.scalar
        }
        XCTAssertEqual(Set(grads.keys), ["conv.weight", "bn.weight", "bn.bias", "head.weight", "head.bias"])
        opt.step(model: &model, gradients: grads)
        return lossValue
    }

    func testWarmedUpTrainingStepMakesNoCopyOnWriteCopies() {
        var model = TinyNet(seed: 4)
        var opt = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let x = GradientCheck.random([4, 2, 5, 5], seed: 3)
        let labels = IntTensor([0, 1, 2, 1])
        var losses = [step(&model, &opt, x, labels), step(&model, &opt, x, labels)]  // warm-up: optimizer state allocated
        let before = TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed)
        for _ in 0..<3 { losses.append(step(&model, &opt, x, labels)) }
        let after = TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed)
        XCTAssertEqual(after - before, 0, "a warmed-up step copied tensor storage")
        XCTAssertLessThan(losses.last!, losses.first!, "training must reduce the loss")
        XCTAssertEqual(model.bn.batchesTracked.value.scalar, 5)
    }

    func testCopyCounterDetectsASharedParameter() {
        var model = TinyNet(seed: 4)
        var opt = SGD(learningRate: 0.1)
        let x = GradientCheck.random([4, 2, 5, 5], seed: 3)
        _ = step(&model, &opt, x, IntTensor([0, 1, 2, 1]))
        let keep = model  // a second reference to every parameter
        let before = TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed)
        _ = step(&model, &opt, x, IntTensor([0, 1, 2, 1]))
        XCTAssertGreaterThan(TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed), before)
        XCTAssertEqual(keep.bn.batchesTracked.value.scalar, 1, "the kept copy is unchanged")
    }
}
