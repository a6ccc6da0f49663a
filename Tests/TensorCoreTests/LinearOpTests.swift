import Support
import TensorCore
import TestSupport
import XCTest

/// `Tensor.linear` (bias rows, then a GEMM adding into them) against `matmul` + broadcast add, and its
/// gradients against finite differences, with and without a bias.
final class LinearOpTests: XCTestCase {
    func testMatchesMatmulPlusBias() {
        for (rows, k, n) in [(1, 1, 1), (7, 5, 3), (130, 192, 576)] {
            let x = TestTensors.randn([rows, k], seed: 1)
            let w = TestTensors.randn([n, k], seed: 2)
            let b = TestTensors.randn([n], seed: 3)
            assertClose(Tensor.linear(x, weight: w, bias: b), Tensor.matmul(x, w, transposeB: true) + b, rtol: 1e-5, relativeToLargest: true)
            XCTAssertEqual(Tensor.linear(x, weight: w, bias: nil).scalars, Tensor.matmul(x, w, transposeB: true).scalars)
        }
    }

    func testGradients() {
        let x = GradientCheck.random([4, 3], seed: 1)
        let w = GradientCheck.random([5, 3], seed: 2)
        let b = GradientCheck.random([5], seed: 3)
        let weights = GradientCheck.random([4, 5], seed: 4)
        assertGradients([x, w, b], "with bias") { t in (Tensor.linear(t[0], weight: t[1], bias: t[2]) * weights).sum() }
        assertGradients([x, w], "without bias") { t in (Tensor.linear(t[0], weight: t[1], bias: nil) * weights).sum() }
    }
}
