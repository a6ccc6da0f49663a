import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

/// Warmed-up training steps of real zoo models make no copy-on-write copies.
final class ZooTrainingStepTests: XCTestCase {
    private func copies<M: Backbone>(_ model: M, input: Tensor, steps: Int) -> Int {
        var m = model
        var opt = SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)
        let labels = IntTensor((0..<input.shape[0]).map { $0 % 3 })
        func step() {
            let grads: [String: Tensor]
            do {
                let tape = Tape()
                var ctx = Context(training: true, rng: Philox(seed: 2))
                let watched = m.watchParameters(on: tape)
                grads = tape.gradients(of: Tensor.crossEntropy(logits: m.forward(input, context: &ctx), labels: labels), wrt: watched)
            }
            opt.step(model: &m, gradients: grads)
        }
        step()
        let before = TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed)
        for _ in 0..<steps { step() }
        return TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed) - before
    }

    private func open(_ model: any Backbone, input: Tensor) -> Int { copies(model, input: input, steps: 2) }

    func testResNetAndViTStepsMakeNoCopies() throws {
        var rng = Philox(seed: 1)
        let resnet = try Zoo.make("resnet18", options: BackboneOptions(classCount: 3, stem: .cifar, width: 0.125), rng: &rng)
        XCTAssertEqual(open(resnet, input: GradientCheck.random([4, 3, 8, 8], seed: 1)), 0, "resnet18")
        let vit = try Zoo.make("vit_tiny", options: BackboneOptions(classCount: 3, imageSize: 8, patchSize: 4), rng: &rng)
        XCTAssertEqual(open(vit, input: GradientCheck.random([4, 3, 8, 8], seed: 2)), 0, "vit_tiny")
    }
}
