import Kernels
import Support
import XCTest

final class NormalizationKernelTests: XCTestCase {
    func testChannelStatisticsSurviveALargeMean() {
        // Two channels, mean 1000 (std 0.01) and mean -3 (std 2), 3 images x 37 values (not a multiple of 8).
        var rng = Philox(seed: 1)
        let outer = 3
        let channels = 2
        let inner = 37
        var x = [Float](repeating: 0, count: outer * channels * inner)
        for n in 0..<outer {
            for c in 0..<channels {
                for i in 0..<inner {
                    x[(n * channels + c) * inner + i] = c == 0 ? 1000 + 0.01 * rng.nextNormal() : -3 + 2 * rng.nextNormal()
                }
            }
        }
        var mean = [Float](repeating: 0, count: 2)
        var variance = [Float](repeating: 0, count: 2)
        Normalization.channelStatistics(x, outer: outer, channels: channels, inner: inner, mean: &mean, variance: &variance)
        for c in 0..<channels {
            var vals = [Double]()
            for n in 0..<outer { for i in 0..<inner { vals.append(Double(x[(n * channels + c) * inner + i])) } }
            let m = vals.reduce(0, +) / Double(vals.count)
            let v = vals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(vals.count)
            XCTAssertEqual(Double(mean[c]), m, accuracy: 1e-4 * max(1, abs(m)))
            XCTAssertEqual(Double(variance[c]), v, accuracy: 2e-2 * v)
        }
    }

    func testVectorSumsMatchScalarLoops() {
        var rng = Philox(seed: 2)
        for n in [0, 1, 7, 8, 9, 100] {
            let a = (0..<n).map { _ in rng.nextNormal() }
            let b = (0..<n).map { _ in rng.nextNormal() }
            let (s, ss) = VectorSums.shiftedMoments(a, n, shift: 0.5)
            XCTAssertEqual(s, a.reduce(0) { $0 + ($1 - 0.5) }, accuracy: 1e-4)
            XCTAssertEqual(ss, a.reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }, accuracy: 1e-3)
            let (g, gd) = VectorSums.gradientMoments(a, b, n, mean: 0.25)
            XCTAssertEqual(g, a.reduce(0, +), accuracy: 1e-4)
            XCTAssertEqual(gd, zip(a, b).reduce(0) { $0 + $1.0 * ($1.1 - 0.25) }, accuracy: 1e-3)
        }
    }

    /// The layer-norm passes (`CKernels/layernorm.c`) against a Double reference on every C build this CPU has, rows
    /// far from zero mean and a row count that is not a multiple of the block; the parameter gradients have the same
    /// bits on 1 and 2 threads (fixed blocks, summed in order).
    func testLayerNormRowsMatchADoubleReference() {
        var rng = Philox(seed: 3)
        for (rows, d) in [(150, 37), (70, 128), (0, 8)] {
            let x = (0..<(rows * d)).map { _ in 100 + 3 * rng.nextNormal() }
            let dy = (0..<(rows * d)).map { _ in rng.nextNormal() }
            let scale = (0..<d).map { _ in 1 + 0.5 * rng.nextNormal() }
            let shift = (0..<d).map { _ in rng.nextNormal() }
            let want = Self.layerNormReference(x: x, dy: dy, rows: rows, d: d, scale: scale, shift: shift)
            forEachInstructionSet { isa in
                var (y, mean, inv) = ([Float](repeating: 0, count: rows * d), [Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
                Normalization.layerNormForward(x, rows: rows, d: d, epsilon: 1e-5, scale: scale, shift: shift, y: &y, mean: &mean, invStd: &inv)
                var runs: [[Float]] = []
                for threads in [1, 2] {
                    ParallelLoops.setThreadCount(threads)
                    var (dx, ds, db) = ([Float](repeating: 0, count: rows * d), [Float](repeating: 9, count: d), [Float](repeating: 9, count: d))
                    Normalization.layerNormBackward(
                        x, gradOutput: dy, rows: rows, d: d, scale: scale, mean: mean, invStd: inv, gradInput: &dx, gradScale: &ds,
                        gradShift: &db)
                    runs.append(dx + ds + db)
                }
                ParallelLoops.setThreadCount(1)
                XCTAssertEqual(runs[0], runs[1], "\(isa): the same bits on 1 and 2 threads")
                for (name, got, ref) in [("y", y, want.y), ("dx, dScale, dShift", runs[0], want.dx + want.dScale + want.dShift)] {
                    XCTAssertEqual(got.count, ref.count)
                    for (g, r) in zip(got, ref) { XCTAssertEqual(Double(g), r, accuracy: 2e-4 * max(1, abs(r)), "\(isa) \(name)") }
                }
            }
        }
    }

    /// y, dx, dScale and dShift of layer norm in Double (two-pass statistics, ε = 1e-5).
    static func layerNormReference(x: [Float], dy: [Float], rows: Int, d: Int, scale: [Float], shift: [Float]) -> (
        y: [Double], dx: [Double], dScale: [Double], dShift: [Double]
    ) {
        var (y, dx) = ([Double](repeating: 0, count: rows * d), [Double](repeating: 0, count: rows * d))
        var (dScale, dShift) = ([Double](repeating: 0, count: d), [Double](repeating: 0, count: d))
        for r in 0..<rows {
            let row = (0..<d).map { Double(x[r * d + $0]) }
            let g = (0..<d).map { Double(dy[r * d + $0]) }
            let mu = row.reduce(0, +) / Double(d)
            let inv = 1 / (row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(d) + 1e-5).squareRoot()
            let xh = row.map { ($0 - mu) * inv }
            let gh = (0..<d).map { g[$0] * Double(scale[$0]) }
            let a = gh.reduce(0, +) / Double(d)
            let b = zip(gh, xh).map(*).reduce(0, +) / Double(d)
            for j in 0..<d {
                y[r * d + j] = xh[j] * Double(scale[j]) + Double(shift[j])
                dx[r * d + j] = inv * (gh[j] - a - xh[j] * b)
                dScale[j] += g[j] * xh[j]
                dShift[j] += g[j]
            }
        }
        return (y, dx, dScale, dShift)
    }
}
