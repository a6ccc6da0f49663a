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
}
