import Support
import TensorCore
import TestSupport
import XCTest

/// Finite-difference checks of every differentiable op defined in TensorCore's elementwise,
/// reduction, shape, matmul, softmax, indexing and loss files.
final class GradientCheckTests: XCTestCase {
    func rnd(_ dims: [Int], _ seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
        GradientCheck.random(Shape(dims), in: lo, hi, seed: seed)
    }

    func testBinaryOpsWithBroadcasting() {
        let shapes: [([Int], [Int])] = [
            ([3, 4], [3, 4]), ([2, 3, 5], [5]), ([2, 1, 4], [3, 1]), ([1], [4, 3]), ([1, 1], [1, 1]), ([2, 3, 1, 2], [3, 2, 2]),
        ]
        for (i, (sa, sb)) in shapes.enumerated() {
            let a = rnd(sa, UInt64(i))
            let b = rnd(sb, UInt64(i + 100), 0.5, 2)
            assertGradients([a, b], "add \(sa) \(sb)") { $0[0] + $0[1] }
            assertGradients([a, b], "sub \(sa) \(sb)") { $0[0] - $0[1] }
            assertGradients([a, b], "mul \(sa) \(sb)") { $0[0] * $0[1] }
            assertGradients([a, b], "div \(sa) \(sb)") { $0[0] / $0[1] }
        }
        let a = rnd([3, 5], 9)
        assertGradients([a], "scalar ops") { ((2 - $0[0]) * 3 + 1) / 2 - (1 / ($0[0] + 4)) }
        assertGradients([a], "neg") { -$0[0] }
    }

    func testUnaryOps() {
        for (i, s) in [[7], [2, 3, 5], [1, 1]].enumerated() {
            let x = rnd(s, UInt64(i), -2, 2)
            let pos = rnd(s, UInt64(i) + 50, 0.3, 2)
            assertGradients([x], "exp") { $0[0].exp() }
            assertGradients([pos], "log") { $0[0].log() }
            assertGradients([pos], "sqrt") { $0[0].sqrt() }
            assertGradients([pos], "pow") { $0[0].pow(2.5) }
            assertGradients([x], "squared") { $0[0].squared() }
            assertGradients([x], "abs") { $0[0].abs() }
            assertGradients([x], "clamp") { $0[0].clamped(min: -0.5, max: 0.7) }
            assertGradients([x], "relu") { $0[0].relu() }
            assertGradients([x], "sigmoid") { $0[0].sigmoid() }
            assertGradients([x], "tanh") { $0[0].tanh() }
            assertGradients([x], "softplus") { $0[0].softplus() }
            assertGradients([x], "gelu erf") { $0[0].gelu(.erf) }
            assertGradients([x], "gelu tanh") { $0[0].gelu(.tanh) }
        }
    }

    func testReductions() {
        let x = rnd([2, 3, 4], 3)
        assertGradients([x], "sum all") { $0[0].sum() }
        assertGradients([x], "sum axes") { $0[0].sum(alongAxes: [0, 2]) }
        assertGradients([x], "sum keep") { $0[0].sum(alongAxes: [1], keepingDims: true) }
        assertGradients([x], "mean") { $0[0].mean(alongAxes: [-1]) }
        assertGradients([x], "mean all") { $0[0].mean() }
        assertGradients([x], "variance") { $0[0].variance(alongAxes: [0, 2], keepingDims: true) }
        assertGradients([x], "variance unbiased") { $0[0].variance(alongAxes: [1], unbiased: true) }
        assertGradients([x], "max") { $0[0].max(alongAxis: 1) }
        assertGradients([x], "max axes") { $0[0].max(alongAxes: [0, 2]) }
        assertGradients([x], "min keep") { $0[0].min(alongAxis: 2, keepingDims: true) }
        assertGradients([x], "logsumexp") { $0[0].logSumExp(alongAxis: -1) }
        assertGradients([rnd([1, 1], 4)], "batch 1") { $0[0].logSumExp(alongAxis: 1).sum(alongAxes: [0]) }
    }

    func testShapeOps() {
        let x = rnd([2, 3, 4], 5)
        let y = rnd([2, 5, 4], 6)
        assertGradients([x], "reshape") { $0[0].reshaped(to: [4, -1]) * rnd([4, 6], 1) }
        assertGradients([x], "permute") { $0[0].permuted([2, 0, 1]) }
        assertGradients([x], "transpose") { $0[0].transposed() }
        assertGradients([x, y], "concat") { Tensor.concatenate([$0[0], $0[1]], alongAxis: 1) }
        assertGradients([x], "slice") { $0[0].slice(alongAxis: 2, 1..<3) }
        assertGradients([x], "split") {
            let p = $0[0].split(sizes: [1, 2], alongAxis: 1)
            return p[1] * 2 + p[0]
        }
        assertGradients([x, x.map { $0 + 1 }], "stack") { Tensor.stack([$0[0], $0[1]], alongAxis: 1) }
        assertGradients([x], "broadcast") { $0[0].slice(alongAxis: 0, 0..<1).broadcast(to: [3, 3, 4]) }
        assertGradients([x], "flatten") { $0[0].flattened() }
    }

    func testMatmul() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = ta ? rnd([4, 3], 1) : rnd([3, 4], 1)
            let b = tb ? rnd([5, 4], 2) : rnd([4, 5], 2)
            assertGradients([a, b], "matmul \(ta) \(tb)") { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
            let ba = ta ? rnd([2, 4, 3], 3) : rnd([2, 3, 4], 3)
            let bb = tb ? rnd([2, 5, 4], 4) : rnd([2, 4, 5], 4)
            assertGradients([ba, bb], "bmm \(ta) \(tb)") { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
            assertGradients([ba, b], "bmm shared rhs \(ta) \(tb)") { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
        assertGradients([rnd([1, 1], 8), rnd([1, 1], 9)], "1x1") { $0[0].matmul($0[1]) }
    }

    func testSoftmaxFamilyAndLosses() {
        let x = rnd([3, 5], 11, -3, 3)
        assertGradients([x], "softmax") { $0[0].softmax() }
        assertGradients([x], "softmax axis 0") { $0[0].softmax(alongAxis: 0) }
        assertGradients([x], "log softmax") { $0[0].logSoftmax() }
        assertGradients([rnd([2, 3, 4], 12)], "log softmax mid axis") { $0[0].logSoftmax(alongAxis: 1) }
        assertGradients([x], "l2 normalize") { $0[0].l2Normalized() }
        let labels = IntTensor([0, 4, 2])
        assertGradients([x], "cross entropy") { Tensor.crossEntropy(logits: $0[0], labels: labels) }
        assertGradients([x], "cross entropy smoothing") { Tensor.crossEntropy(logits: $0[0], labels: labels, labelSmoothing: 0.1) }
        let p = rnd([3, 5], 13).softmax()
        assertGradients([x, p], "soft cross entropy") { Tensor.crossEntropy(logits: $0[0], targetProbabilities: $0[1]) }
        assertGradients([x, rnd([3, 5], 14, 0.2, 1)], "kl") {
            Tensor.klDivergence(logProbabilities: $0[0].logSoftmax(), targetProbabilities: $0[1])
        }
        assertGradients([x, rnd([3, 5], 15)], "mse") { Tensor.meanSquaredError($0[0], $0[1]) }
        assertGradients([x, rnd([3, 5], 16)], "cosine") { Tensor.cosineSimilarity($0[0], $0[1]) }
    }

    func testIndexing() {
        let x = rnd([4, 3, 2], 17)
        assertGradients([x], "index select (repeats)") { $0[0].indexSelect(alongAxis: 0, IntTensor([3, 0, 3])) }
        assertGradients([x], "index select axis 1") { $0[0].indexSelect(alongAxis: 1, IntTensor([2, 1])) }
        assertGradients([x], "gather") { $0[0].gather(alongAxis: 1, IntTensor(shape: [4, 2], scalars: [0, 1, 2, 2, 1, 0, 0, 0])) }
        let mask = Tensor(shape: [1, 3, 1], scalars: [1, 0, 1])
        assertGradients([x], "masked fill") { $0[0].maskedFill(mask, with: -5) }
        assertGradients([x, rnd([3, 2], 18)], "where") { Tensor.where(mask, $0[0], $0[1]) }
    }
}
