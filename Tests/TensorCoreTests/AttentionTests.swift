import Support
import TensorCore
import TestSupport
import XCTest

/// `Tensor.attention` against the composed ops it replaces (reshape, permute, batched matmuls, softmax), with
/// and without a mask bias (one row shared, or one per image), and its gradient against finite differences.
final class AttentionTests: XCTestCase {
    /// The composed reference: Q, K, V from `[B, T, 3·D]`, softmax(Q Kᵀ/√hd + bias) V, heads back side by side.
    func composed(_ qkv: Tensor, heads h: Int, bias: Tensor?) -> Tensor {
        let (b, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let hd = d / h
        let packed = qkv.reshaped(to: [b, t, 3, h, hd]).permuted([2, 0, 3, 1, 4])
        let q = packed.slice(alongAxis: 0, 0..<1).reshaped(to: [b, h, t, hd])
        let k = packed.slice(alongAxis: 0, 1..<2).reshaped(to: [b, h, t, hd])
        let v = packed.slice(alongAxis: 0, 2..<3).reshaped(to: [b, h, t, hd])
        var scores = Tensor.matmul(q, k, transposeB: true) * (1 / Float(hd).squareRoot())
        if let bias { scores = scores + bias }
        return Tensor.matmul(scores.softmax(alongAxis: -1), v).permuted([0, 2, 1, 3]).reshaped(to: [b, t, d])
    }

    func biases(batch: Int, length t: Int) -> [Tensor?] {
        let causal = Tensor(shape: [1, 1, t, t], scalars: (0..<(t * t)).map { $0 % t > $0 / t ? -1e9 : 0 })
        let padding = Tensor(shape: [batch, 1, t, t], scalars: (0..<(batch * t * t)).map { ($0 / (t * t) == 1 && $0 % t >= t - 2) ? -1e9 : 0 })
        return [nil, causal, padding]
    }

    func testMatchesTheComposedOps() {
        for (b, t, d, h) in [(2, 5, 12, 2), (3, 17, 48, 3), (1, 65, 192, 3)] {
            let qkv = TestTensors.randn([b, t, 3 * d], seed: 11)
            for bias in biases(batch: b, length: t) {
                let fused = qkv.attention(heads: h, bias: bias)
                assertClose(fused, composed(qkv, heads: h, bias: bias), rtol: 1e-5, relativeToLargest: true, "\(b)x\(t)x\(d), \(h) heads")
            }
        }
    }

    func testGradientsMatchFiniteDifferencesAndTheComposedOps() {
        let (b, t, d, h) = (2, 4, 6, 2)
        for bias in biases(batch: b, length: t) {
            let qkv = GradientCheck.random([b, t, 3 * d], seed: 3)
            let weights = GradientCheck.random([b, t, d], seed: 4)
            assertGradients([qkv], "attention") { x in (x[0].attention(heads: h, bias: bias) * weights).sum() }
            let tape = Tape()
            let x = tape.watch(qkv)
            let fused = tape.gradients(of: (x.attention(heads: h, bias: bias) * weights).sum(), wrt: [x])[0]
            let tape2 = Tape()
            let y = tape2.watch(qkv)
            let reference = tape2.gradients(of: (composed(y, heads: h, bias: bias) * weights).sum(), wrt: [y])[0]
            assertClose(fused, reference, rtol: 1e-5, relativeToLargest: true, "gradient")
        }
    }

    func testWithoutATapeKeepsNoWeightsAndStillComputes() {
        let qkv = TestTensors.randn([2, 3, 12], seed: 1)
        XCTAssertEqual(qkv.attention(heads: 4).shape, [2, 3, 4])
    }
}
