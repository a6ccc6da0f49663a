import TensorCore
import TestSupport
import XCTest

final class BatchNormTests: XCTestCase {
    /// Per-channel (mean, biased variance) of x `[N, C, S...]` computed directly in Double.
    func stats(_ x: Tensor) -> ([Double], [Double]) {
        let n = x.shape[0]
        let c = x.shape[1]
        let inner = x.count / (n * c)
        let v = x.scalars
        var means = [Double]()
        var vars = [Double]()
        for ch in 0..<c {
            var vals = [Double]()
            for i in 0..<n { for j in 0..<inner { vals.append(Double(v[(i * c + ch) * inner + j])) } }
            let m = vals.reduce(0, +) / Double(vals.count)
            means.append(m)
            vars.append(vals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(vals.count))
        }
        return (means, vars)
    }

    func expected(_ x: Tensor, mean: [Double], variance: [Double], scale: Tensor, shift: Tensor, eps: Double) -> [Float] {
        let n = x.shape[0]
        let c = x.shape[1]
        let inner = x.count / (n * c)
        let v = x.scalars
        let sc = scale.scalars
        let sh = shift.scalars
        return (0..<x.count).map { idx in
            let ch = (idx / inner) % c
            return Float((Double(v[idx]) - mean[ch]) / (variance[ch] + eps).squareRoot() * Double(sc[ch]) + Double(sh[ch]))
        }
    }

    func testTrainingModeUsesBatchStatisticsAndUpdatesRunningStats() {
        for shape: Shape in [[4, 3, 5, 2], [6, 5]] {
            let c = shape[1]
            let x = TestTensors.randn(shape, seed: 1, scale: 2) + 3
            let scale = TestTensors.randn([c], seed: 2)
            let shift = TestTensors.randn([c], seed: 3)
            let rm0 = TestTensors.randn([c], seed: 4)
            let rv0 = TestTensors.randn([c], seed: 5).abs() + 0.5
            var rm = rm0
            var rv = rv0
            let y = Tensor.batchNorm(
                x, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv,
                training: true, momentum: 0.2, epsilon: 1e-3)
            let (m, v) = stats(x)
            assertClose(y.scalars, expected(x, mean: m, variance: v, scale: scale, shift: shift, eps: 1e-3), atol: 1e-4, rtol: 1e-4, "y \(shape)")
            let count = Double(x.count / c)
            let wantMean = (0..<c).map { Float(0.8 * Double(rm0.scalars[$0]) + 0.2 * m[$0]) }
            let wantVar = (0..<c).map { Float(0.8 * Double(rv0.scalars[$0]) + 0.2 * v[$0] * count / (count - 1)) }
            assertClose(rm.scalars, wantMean, atol: 1e-5, rtol: 1e-5, "running mean \(shape)")
            assertClose(rv.scalars, wantVar, atol: 1e-5, rtol: 1e-5, "running variance (unbiased) \(shape)")
        }
    }

    func testInferenceModeUsesRunningStatsAndLeavesThemAlone() {
        let x = TestTensors.randn([3, 4, 2, 3], seed: 6)
        let scale = TestTensors.randn([4], seed: 7)
        let shift = TestTensors.randn([4], seed: 8)
        var rm = TestTensors.randn([4], seed: 9)
        var rv = TestTensors.randn([4], seed: 10).abs() + 0.1
        let (rm0, rv0) = (rm.scalars, rv.scalars)
        let y = Tensor.batchNorm(x, scale: scale, shift: shift, runningMean: &rm, runningVariance: &rv, training: false)
        assertClose(
            y.scalars, expected(x, mean: rm0.map(Double.init), variance: rv0.map(Double.init), scale: scale, shift: shift, eps: 1e-5),
            atol: 1e-4, rtol: 1e-4, "inference y")
        XCTAssertEqual(rm.scalars, rm0)
        XCTAssertEqual(rv.scalars, rv0)
    }

    func testGradientsByFiniteDifferences() {
        for (i, shape) in ([[4, 3, 3, 2], [5, 4], [2, 2, 1, 3]] as [Shape]).enumerated() {
            let c = shape[1]
            let x = TestTensors.randn(shape, seed: UInt64(20 + i))
            let scale = TestTensors.randn([c], seed: UInt64(30 + i))
            let shift = TestTensors.randn([c], seed: UInt64(40 + i))
            for training in [true, false] {
                var rm = Tensor(repeating: 0.1, shape: [c])
                var rv = Tensor(repeating: 0.7, shape: [c])
                assertGradients([x, scale, shift]) { t in
                    Tensor.batchNorm(t[0], scale: t[1], shift: t[2], runningMean: &rm, runningVariance: &rv, training: training)
                }
            }
        }
    }

    func testRunningStatsAreNotTraced() {
        let tape = Tape()
        let x = tape.watch(TestTensors.randn([4, 2], seed: 1))
        var rm = Tensor(zeros: [2])
        var rv = Tensor(repeating: 1, shape: [2])
        _ = Tensor.batchNorm(
            x, scale: Tensor(repeating: 1, shape: [2]), shift: Tensor(zeros: [2]),
            runningMean: &rm, runningVariance: &rv, training: true)
        XCTAssertFalse(rm.isTraced)
        XCTAssertFalse(rv.isTraced)
    }

    /// `batchNorm(adding:relu:)` gives the bits of batch norm, `+ residual` and `relu()` run apart, forward and
    /// backward (x, scale, shift and the residual), in training and inference, on planes with a vector body and
    /// a tail (35 values), one value (`[N, C]`), and without the residual.
    func testFusedResidualReLUHasTheBitsOfTheSeparateOps() {
        for (i, shape) in ([[4, 3, 5, 7], [6, 5], [3, 2, 4, 4]] as [Shape]).enumerated() {
            let c = shape[1]
            for training in [true, false] {
                for withResidual in [true, false] {
                    let inputs = [
                        TestTensors.randn(shape, seed: UInt64(50 + i)), TestTensors.randn([c], seed: UInt64(60 + i)),
                        TestTensors.randn([c], seed: UInt64(70 + i)), TestTensors.randn(shape, seed: UInt64(80 + i)),
                    ]
                    let weights = TestTensors.randn(shape, seed: UInt64(90 + i))
                    func run(fused: Bool) -> (Tensor, [Tensor]) {
                        let tape = Tape()
                        let t = inputs.map { tape.watch($0) }
                        var rm = Tensor(repeating: 0.1, shape: [c])
                        var rv = Tensor(repeating: 0.7, shape: [c])
                        let residual = withResidual ? t[3] : nil
                        let y: Tensor
                        if fused {
                            y = Tensor.batchNorm(
                                t[0], scale: t[1], shift: t[2], runningMean: &rm, runningVariance: &rv, training: training,
                                adding: residual, relu: true)
                        } else {
                            let z = Tensor.batchNorm(t[0], scale: t[1], shift: t[2], runningMean: &rm, runningVariance: &rv, training: training)
                            y = (residual.map { z + $0 } ?? z).relu()
                        }
                        return (y, tape.gradients(of: (y * weights).sum(), wrt: withResidual ? t : Array(t.prefix(3))))
                    }
                    let (y, g) = run(fused: true)
                    let (y0, g0) = run(fused: false)
                    let what = "\(shape), training \(training), residual \(withResidual)"
                    XCTAssertEqual(y.scalars.map(\.bitPattern), y0.scalars.map(\.bitPattern), "output, \(what)")
                    XCTAssertEqual(g.count, g0.count, what)
                    for (k, (a, b)) in zip(g, g0).enumerated() {
                        XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), "gradient \(k), \(what)")
                    }
                    XCTAssertTrue(y.scalars.contains(0) && y.scalars.contains { $0 > 0 }, "the ReLU cuts somewhere, \(what)")
                }
            }
        }
    }

    /// The fused op's gradients (x, scale, shift, residual) by finite differences, in training and inference;
    /// the residual is moved 0.5 away from the ReLU's kink (|bn(x) + residual| ≥ 0.5), beyond any step's reach.
    func testFusedGradientsByFiniteDifferences() {
        let shape: Shape = [3, 2, 3, 2]
        let (x, scale, shift) = (TestTensors.randn(shape, seed: 101), TestTensors.randn([2], seed: 102), TestTensors.randn([2], seed: 103))
        for training in [true, false] {
            var rm = Tensor(repeating: 0.1, shape: [2])
            var rv = Tensor(repeating: 0.7, shape: [2])
            var (rm0, rv0) = (rm, rv)
            let r = TestTensors.randn(shape, seed: 104)
            let pre = Tensor.batchNorm(x, scale: scale, shift: shift, runningMean: &rm0, runningVariance: &rv0, training: training) + r
            let residual = Tensor(shape: shape, scalars: zip(r.scalars, pre.scalars).map { $0 + ($1 < 0 ? -0.5 : 0.5) })
            assertGradients([x, scale, shift, residual], "training \(training)") { t in
                Tensor.batchNorm(
                    t[0], scale: t[1], shift: t[2], runningMean: &rm, runningVariance: &rv, training: training, adding: t[3], relu: true)
            }
        }
    }
}
