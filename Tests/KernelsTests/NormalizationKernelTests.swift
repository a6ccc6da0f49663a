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
}
