import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

/// `recomputesBlocks` (activation checkpointing per residual block) changes memory, not results:
/// the same loss, parameter gradients and BN running statistics as the plain forward pass.
final class ResNetRecomputeTests: XCTestCase {
    func testRecomputedBlocksGiveTheSameLossGradientsAndRunningStatistics() throws {
        let x = GradientCheck.random([3, 1, 20, 20], seed: 5)
        var results: [(loss: Float, gradients: [String: Tensor], runningMean: Tensor)] = []
        for recompute in [false, true] {
            var rng = Philox(seed: 1)
            var options = BackboneOptions(inputChannels: 1, classCount: 4, stem: .cifar, width: 0.125)
            options.recomputesBlocks = recompute
            var model = try XCTUnwrap(try Zoo.make("resnet18", options: options, rng: &rng) as? ResNet<BasicBlock>)
            XCTAssertEqual(model.recomputesBlocks, recompute)
            let (loss, g) = model.valueAndGradient { m -> (value: Float, root: Tensor) in
                var context = Context(training: true, rng: Philox(seed: 2))
                let y = m.forward(x, context: &context)
                let l = (y * y).mean() + y.sum() * 0.1
                return (l.scalar, l)
            }
            results.append((loss, g, model.layer2[1].bn1.runningMean.value))
        }
        XCTAssertEqual(results[0].loss, results[1].loss)
        XCTAssertEqual(Set(results[0].gradients.keys), Set(results[1].gradients.keys))
        for (key, g) in results[0].gradients {
            assertClose(results[1].gradients[key]!, g, atol: 1e-6, rtol: 1e-5, key)
        }
        XCTAssertGreaterThan(results[0].gradients["layer1.0.conv1.weight"]!.abs().sum().scalar, 0)
        XCTAssertEqual(results[1].runningMean.scalars, results[0].runningMean.scalars, "running statistics updated once")
    }

    func testRecomputeIsAResNetOption() {
        var rng = Philox(seed: 1)
        var options = BackboneOptions(imageSize: 32, patchSize: 4)
        options.recomputesBlocks = true
        XCTAssertThrowsError(try Zoo.make("vit_tiny", options: options, rng: &rng)) { e in
            XCTAssertTrue("\(e)".contains("recomputesBlocks"), "\(e)")
        }
    }
}
