import Backbones
import NN
import Support
import TensorCore
import XCTest

/// Finite-difference checks of whole blocks (composition of checked ops, with BN in training mode).
final class BlockGradientTests: XCTestCase {
    func testBasicBlockWithDownsampleInTrainingMode() {
        var rng = Philox(seed: 1)
        let block = BasicBlock(inputChannels: 2, channels: 3, stride: 2, zeroInitResidual: false, rng: &rng)
        let x = GradientCheck.random([2, 2, 4, 4], seed: 3)
        let report = GradientCheck.check([x], step: 1e-2, floor: 1e-1) { xs in
            var b = block
            var ctx = Context(training: true)
            return b.forward(xs[0], context: &ctx)
        }
        XCTAssertLessThan(report.maxRelativeError, 5e-2, report.description)
    }

    func testBottleneckInInferenceMode() {
        var rng = Philox(seed: 2)
        let block = Bottleneck(inputChannels: 4, channels: 2, stride: 1, zeroInitResidual: false, rng: &rng)
        let x = GradientCheck.random([1, 4, 3, 3], seed: 4)
        let report = GradientCheck.check([x]) { xs in
            var b = block
            var ctx = Context.inference
            return b.forward(xs[0], context: &ctx)
        }
        XCTAssertLessThan(report.maxRelativeError, 2e-2, report.description)
    }

    func testTransformerBlockAndProjectionHead() {
        var rng = Philox(seed: 3)
        let block = TransformerBlock(featureCount: 8, headCount: 2, rng: &rng)
        let x = GradientCheck.random([2, 3, 8], seed: 5)
        let r1 = GradientCheck.check([x]) { xs in
            var b = block
            var ctx = Context.inference
            return b.forward(xs[0], context: &ctx)
        }
        XCTAssertLessThan(r1.maxRelativeError, 2e-2, r1.description)
        let head = ProjectionHead(inputCount: 4, hiddenCount: 6, outputCount: 3, rng: &rng)
        let r2 = GradientCheck.check([GradientCheck.random([5, 4], seed: 6)], floor: 1e-1) { xs in
            var h = head
            var ctx = Context(training: true)
            return h.forward(xs[0], context: &ctx)
        }
        XCTAssertLessThan(r2.maxRelativeError, 5e-2, r2.description)
    }
}
