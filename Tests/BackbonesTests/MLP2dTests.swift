import Backbones
import NN
import Support
import TensorCore
import TestSupport
import XCTest

/// PixPro's per-pixel MLP: every pixel goes through the same Linear-BN-ReLU-Linear, BN statistics
/// over (N, H, W); gradients by finite differences.
final class MLP2dTests: XCTestCase {
    func testEveryPixelIsTransformedLikeARowOfAnMLP() {
        var rng = Philox(seed: 5)
        var mlp = MLP2d(inputChannels: 3, innerChannels: 6, outputChannels: 4, rng: &rng)
        XCTAssertEqual(
            mlp.namedParameters.map(\.path).filter { !$0.contains("running") && !$0.contains("num_batches") },
            ["linear1.weight", "linear1.bias", "bn1.weight", "bn1.bias", "linear2.weight", "linear2.bias"])
        let x = TestTensors.randn([2, 3, 2, 3], seed: 6)
        var context = Context(training: true)
        let y = mlp.forward(x, context: &context)
        XCTAssertEqual(y.shape, [2, 4, 2, 3])
        // The same by hand on the [N·H·W, C] rows, BN with the batch statistics over all rows.
        let rows = x.permuted([0, 2, 3, 1]).reshaped(to: [12, 3])
        let w1 = mlp.linear1.weight.value.reshaped(to: [6, 3])
        let b1 = mlp.linear1.bias!.value
        let h = Tensor.matmul(rows, w1, transposeB: true) + b1
        let mean = h.mean(alongAxes: [0], keepingDims: true)
        let variance = h.variance(alongAxes: [0], keepingDims: true)
        let normalised = ((h - mean) / (variance + 1e-5).sqrt()) * mlp.bn1.weight.value + mlp.bn1.bias.value
        let w2 = mlp.linear2.weight.value.reshaped(to: [4, 6])
        let b2 = mlp.linear2.bias!.value
        let expected = (Tensor.matmul(normalised.relu(), w2, transposeB: true) + b2).reshaped(to: [2, 2, 3, 4]).permuted([0, 3, 1, 2])
        assertClose(y, expected, atol: 1e-5, rtol: 1e-4, "MLP2d vs per-row MLP")
    }

    func testGradients() {
        var rng = Philox(seed: 7)
        let mlp = MLP2d(inputChannels: 3, innerChannels: 5, outputChannels: 2, rng: &rng)
        assertInputGradients(of: mlp, at: GradientCheck.random([2, 3, 2, 2], seed: 8), training: true)
        assertInputGradients(of: mlp, at: GradientCheck.random([2, 3, 2, 2], seed: 8), training: false)
    }
}
