import NN
import Support
import TensorCore
import TestSupport
import XCTest

/// A layer that forgets to visit its bias: the completeness check must catch it.
private struct ForgetfulLinear: Layer {
    var weight = Parameter(Tensor(zeros: [2, 2]), role: .weight)
    var bias = Parameter(Tensor(zeros: [2]), role: .bias)
    mutating func visitParameters(_ visitor: inout ParameterVisitor) { visitor.visit("weight", &weight) }
}

final class LayerTests: XCTestCase {
    func testVisitorCompletenessAgainstReflection() {
        var rng = Philox(seed: 3)
        let layers: [any Layer] = [
            Linear(inputCount: 3, outputCount: 2, rng: &rng),
            Linear(inputCount: 3, outputCount: 2, bias: false, rng: &rng),
            Conv2D(inputChannels: 2, outputChannels: 3, kernel: 3, rng: &rng),
            BatchNorm(featureCount: 3), LayerNorm(featureCount: 4),
            Embedding(vocabularySize: 5, featureCount: 3, rng: &rng),
            MultiHeadAttention(featureCount: 8, headCount: 2, rng: &rng),
            MLP(inputCount: 4, hiddenCount: 8, outputCount: 2, rng: &rng),
            TinyNet(),
        ]
        for layer in layers {
            XCTAssertEqual(layer.visitedParameterCount, reflectedCount(of: Parameter.self, in: layer), "\(type(of: layer))")
        }
        let broken = ForgetfulLinear()
        XCTAssertNotEqual(broken.visitedParameterCount, reflectedCount(of: Parameter.self, in: broken), "the check must catch a forgotten parameter")
    }

    func testDottedPathsAndRoles() {
        let net = TinyNet()
        let paths = net.namedParameters.map(\.path)
        XCTAssertEqual(
            paths,
            [
                "conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                "bn.num_batches_tracked", "head.weight", "head.bias",
            ])
        let roles = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.path, $0.parameter.role) })
        XCTAssertEqual(roles["bn.weight"], .normScale)
        XCTAssertEqual(roles["bn.running_var"], .runningStatistic)
        XCTAssertEqual(roles["bn.num_batches_tracked"], .counter)
        XCTAssertEqual(net.parameterCount, 4 * 2 * 9 + 4 + 4 + 3 * 4 + 3)
    }

    func testInitializerBoundsMatchPyTorch() {
        var rng = Philox(seed: 5)
        let l = Linear(inputCount: 100, outputCount: 50, rng: &rng)
        let bound: Float = 1 / 10
        XCTAssertLessThanOrEqual(l.weight.value.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(l.weight.value.scalars.map(abs).max()!, bound * 0.95)
        XCTAssertLessThanOrEqual(l.bias!.value.scalars.map(abs).max()!, bound)
        let w = Initializer.kaimingNormal([64, 32, 3, 3], fan: 64 * 9, rng: &rng).scalars
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(std, (2 / Float(64 * 9)).squareRoot(), accuracy: 0.002)
        let t = Initializer.truncatedNormal([10_000], std: 1, a: -2, b: 2, rng: &rng).scalars
        XCTAssertLessThanOrEqual(t.map(abs).max()!, 2)
    }

    func testLinearGradients() {
        let x = GradientCheck.random([3, 4], seed: 1)
        let w = GradientCheck.random([2, 4], seed: 2)
        let b = GradientCheck.random([2], seed: 3)
        assertGradients([x, w, b], "Linear") { xs in Linear(weight: xs[1], bias: xs[2])(xs[0]) }
    }

    func testAttentionGradientsAndCausality() {
        var rng = Philox(seed: 9)
        var attn = MultiHeadAttention(featureCount: 4, headCount: 2, causal: true, rng: &rng)
        let x = GradientCheck.random([2, 3, 4], seed: 4)
        var ctx = Context.inference
        let y = attn.forward(x, context: &ctx)
        var x2 = x
        x2.withUnsafeMutableBufferPointer { $0[2 * 4] += 1 }  // change the last token of row 0
        let y2 = attn.forward(x2, context: &ctx)
        XCTAssertEqual(y.slice(alongAxis: 1, 0..<2).scalars, y2.slice(alongAxis: 1, 0..<2).scalars, "earlier positions must not see later ones")
        XCTAssertNotEqual(y.slice(alongAxis: 1, 2..<3).scalars, y2.slice(alongAxis: 1, 2..<3).scalars)
        assertInputGradients(of: attn, at: x, training: false)
    }

    func testBatchNormUpdatesRunningStatisticsOnlyInTraining() {
        var bn = BatchNorm(featureCount: 2)
        let x = GradientCheck.random([4, 2], seed: 6)
        var infer = Context.inference
        _ = bn.forward(x, context: &infer)
        XCTAssertEqual(bn.runningMean.value.scalars, [0, 0])
        var train = Context(training: true)
        let y = bn.forward(x, context: &train)
        XCTAssertEqual(bn.batchesTracked.value.scalar, 1)
        let mean = x.mean(alongAxes: [0]).scalars
        XCTAssertEqual(bn.runningMean.value.scalars[0], 0.1 * mean[0], accuracy: 1e-6)
        XCTAssertEqual(y.mean(alongAxes: [0]).scalars[0], 0, accuracy: 1e-5)
    }

    func testDropoutUsesContextRNGAndIsIdentityInInference() {
        var d = Dropout(probability: 0.5)
        let x = Tensor(repeating: 1, shape: [1000])
        var infer = Context.inference
        XCTAssertEqual(d.forward(x, context: &infer).scalars, x.scalars)
        var a = Context(training: true, rng: Philox(seed: 1))
        var b = Context(training: true, rng: Philox(seed: 1))
        let ya = d.forward(x, context: &a)
        let yb = d.forward(x, context: &b)
        XCTAssertEqual(ya.scalars, yb.scalars)
        let kept = ya.scalars.filter { $0 != 0 }
        XCTAssertEqual(kept.first, 2)
        XCTAssertEqual(Double(kept.count) / 1000, 0.5, accuracy: 0.06)
        XCTAssertNotEqual(d.forward(x, context: &a).scalars, ya.scalars, "the context RNG must advance")
    }

    func testEmbeddingLooksUpRows() {
        var rng = Philox(seed: 2)
        let e = Embedding(vocabularySize: 4, featureCount: 3, rng: &rng)
        let y = e(IntTensor(shape: [2, 1], scalars: [3, 0]))
        XCTAssertEqual(y.shape, [2, 1, 3])
        XCTAssertEqual(Array(y.scalars[0..<3]), Array(e.weight.value.scalars[9..<12]))
    }
}
