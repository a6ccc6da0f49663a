import XCTest
import CDataStore
import Kernels

/// The C colour kernels give bit-identical results on their AVX2 and baseline code paths (so
/// views, and teacher-logit replays, do not depend on the machine's vector extensions).
final class PixelKernelTests: XCTestCase {
    func testAVX2AndBaselinePathsAreBitIdentical() {
        let n = 1031   // not a multiple of the vector width: the scalar tails run too
        var rng = Philox(seed: 4)
        var src = (0..<(3 * n)).map { _ in rng.nextUniform() }
        // Gray pixels (cr = 0) and saturated ones.
        for i in stride(from: 0, to: n, by: 17) { src[n + i] = src[i]; src[2 * n + i] = src[i] }
        for i in stride(from: 5, to: n, by: 23) { src[i] = 1; src[2 * n + i] = 0 }
        let mean: [Float] = [0.4, 0.5, 0.6], inv: [Float] = [4, 5, 6]
        for sink in [false, true] {
            for (k, op) in ["hue", "saturate", "affine"].enumerated() {
                var results: [[Float]] = []
                for baseline: Int32 in [0, 1] {
                    var x = src
                    var out = [Float](repeating: 0, count: 3 * n)
                    x.withUnsafeMutableBufferPointer { xp in out.withUnsafeMutableBufferPointer { op2 in
                        let o = sink ? op2.baseAddress : nil
                        switch k {
                        case 0: rtk_hue(xp.baseAddress, n, 0.23, o, mean, inv, baseline)
                        case 1: rtk_saturate(xp.baseAddress, n, 1.7, o, mean, inv, baseline)
                        default: rtk_affine(xp.baseAddress, n, 3, 1.3, -0.1, o, mean, inv, baseline)
                        }
                    } }
                    results.append(sink ? out : x)
                }
                XCTAssertEqual(results[0], results[1], "\(op), sink \(sink), AVX2 available: \(rtk_has_avx2())")
            }
        }
    }
}

/// `rtk_grayscale` on both code paths equals torchvision's formula evaluated in Swift (the loop it
/// replaced), in place and normalised into a sink.
final class GrayscaleKernelTests: XCTestCase {
    func testGrayscaleMatchesSwiftFormulaOnBothPaths() {
        let n = 1029
        var rng = Philox(seed: 8)
        let src = (0..<(3 * n)).map { _ in rng.nextUniform() }
        let mean: [Float] = [0.4, 0.5, 0.6], inv: [Float] = [4, 5, 6]
        var want = [Float](repeating: 0, count: 3 * n), wantOut = want
        for i in 0..<n {
            let v: Float = 0.2989 * src[i] + 0.587 * src[n + i] + 0.114 * src[2 * n + i]
            for c in 0..<3 { want[c * n + i] = v; wantOut[c * n + i] = (v - mean[c]) * inv[c] }
        }
        for baseline: Int32 in [0, 1] {
            var x = src, out = [Float](repeating: 0, count: 3 * n)
            x.withUnsafeMutableBufferPointer { rtk_grayscale($0.baseAddress, n, nil, nil, nil, baseline) }
            XCTAssertEqual(x.map(\.bitPattern), want.map(\.bitPattern), "in place, baseline \(baseline)")
            x = src
            x.withUnsafeMutableBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
                rtk_grayscale(xp.baseAddress, n, op.baseAddress, mean, inv, baseline)
            } }
            XCTAssertEqual(out.map(\.bitPattern), wantOut.map(\.bitPattern), "sink, baseline \(baseline)")
        }
    }
}
