import Backbones
import Support
import TensorCore
import TestSupport
import XCTest

/// Finite-difference checks of whole blocks (composition of checked ops, with BN in training mode).
final class BlockGradientTests: XCTestCase {
    func testBasicBlockWithDownsampleInTrainingMode() {
        var rng = Philox(seed: 1)
        let block = BasicBlock(inputChannels: 2, channels: 3, stride: 2, zeroInitResidual: false, rng: &rng)
        let x = GradientCheck.random([2, 2, 4, 4], seed: 3)
        assertInputGradients(of: block, at: x, training: true)
    }

    func testBottleneckInInferenceMode() {
        var rng = Philox(seed: 2)
        let block = Bottleneck(inputChannels: 4, channels: 2, stride: 1, zeroInitResidual: false, rng: &rng)
        let x = GradientCheck.random([1, 4, 3, 3], seed: 4)
        assertInputGradients(of: block, at: x, training: false)
    }

    func testTransformerBlockAndProjectionHead() {
        var rng = Philox(seed: 3)
        let block = TransformerBlock(featureCount: 8, headCount: 2, rng: &rng)
        let x = GradientCheck.random([2, 3, 8], seed: 5)
        assertInputGradients(of: block, at: x, training: false)
        let head = ProjectionHead(inputCount: 4, hiddenCount: 6, outputCount: 3, rng: &rng)
        assertInputGradients(of: head, at: GradientCheck.random([5, 4], seed: 6), training: true)
    }
}
