import CDataStore
import Support
import XCTest

/// The C colour kernels give bit-identical results on their AVX-512, AVX2 and baseline code paths (so
/// views, and teacher-logit replays, do not depend on the machine's vector extensions).
final class PixelKernelTests: XCTestCase {
    func testAVX2AndBaselinePathsAreBitIdentical() {
        let n = 1031  // not a multiple of the vector width: the scalar tails run too
        var rng = Philox(seed: 4)
        var src = (0..<(3 * n)).map { _ in rng.nextUniform() }
        // Gray pixels (cr = 0) and saturated ones.
        for i in stride(from: 0, to: n, by: 17) {
            src[n + i] = src[i]
            src[2 * n + i] = src[i]
        }
        for i in stride(from: 5, to: n, by: 23) {
            src[i] = 1
            src[2 * n + i] = 0
        }
        let mean: [Float] = [0.4, 0.5, 0.6]
        let inv: [Float] = [4, 5, 6]
        for sink in [false, true] {
            for (k, op) in ["hue", "saturate", "affine"].enumerated() {
                var results: [[Float]] = []
                for baseline: Int32 in [0, 1, 2] {
                    var x = src
                    var out = [Float](repeating: 0, count: 3 * n)
                    x.withUnsafeMutableBufferPointer { xp in
                        out.withUnsafeMutableBufferPointer { op2 in
                            let o = sink ? op2.baseAddress : nil
                            switch k {
                            case 0: rtk_hue(xp.baseAddress, n, 0.23, o, mean, inv, baseline)
                            case 1: rtk_saturate(xp.baseAddress, n, 1.7, o, mean, inv, baseline)
                            default: rtk_affine(xp.baseAddress, n, 3, 1.3, -0.1, o, mean, inv, baseline)
                            }
                        }
                    }
                    results.append(sink ? out : x)
                }
                XCTAssertEqual(
                    results[0].map(\.bitPattern), results[1].map(\.bitPattern), "\(op), sink \(sink), AVX-512 \(rtk_has_avx512()) vs baseline")
                XCTAssertEqual(results[2].map(\.bitPattern), results[1].map(\.bitPattern), "\(op), sink \(sink), AVX2 \(rtk_has_avx2()) vs baseline")
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
        let mean: [Float] = [0.4, 0.5, 0.6]
        let inv: [Float] = [4, 5, 6]
        var want = [Float](repeating: 0, count: 3 * n)
        var wantOut = want
        for i in 0..<n {
            let v: Float = 0.2989 * src[i] + 0.587 * src[n + i] + 0.114 * src[2 * n + i]
            for c in 0..<3 {
                want[c * n + i] = v
                wantOut[c * n + i] = (v - mean[c]) * inv[c]
            }
        }
        for baseline: Int32 in [0, 1, 2] {
            var x = src
            var out = [Float](repeating: 0, count: 3 * n)
            x.withUnsafeMutableBufferPointer { rtk_grayscale($0.baseAddress, n, nil, nil, nil, baseline) }
            XCTAssertEqual(x.map(\.bitPattern), want.map(\.bitPattern), "in place, baseline \(baseline)")
            x = src
            x.withUnsafeMutableBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    rtk_grayscale(xp.baseAddress, n, op.baseAddress, mean, inv, baseline)
                }
            }
            XCTAssertEqual(out.map(\.bitPattern), wantOut.map(\.bitPattern), "sink, baseline \(baseline)")
        }
    }
}

/// `rtk_gray_mean` on both code paths equals the Swift loop it replaced (reproduced here).
final class GrayMeanKernelTests: XCTestCase {
    func swiftGrayMean(_ x: [Float], pixels n: Int, channels C: Int) -> Float {
        x.withUnsafeBufferPointer { xb in
            var s: Float = 0
            for c in 0..<C {
                let fc = UnsafeRawPointer(xb.baseAddress! + c * n)
                var a0 = SIMD4<Float>()
                var a1 = SIMD4<Float>()
                var a2 = SIMD4<Float>()
                var a3 = SIMD4<Float>()
                var i = 0
                while i + 16 <= n {
                    a0 += fc.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
                    a1 += fc.loadUnaligned(fromByteOffset: 4 * i + 16, as: SIMD4<Float>.self)
                    a2 += fc.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD4<Float>.self)
                    a3 += fc.loadUnaligned(fromByteOffset: 4 * i + 48, as: SIMD4<Float>.self)
                    i += 16
                }
                var sc = ((a0 + a1) + (a2 + a3)).sum()
                while i < n {
                    sc += x[c * n + i]
                    i += 1
                }
                s += (C == 1 ? 1 : (c == 0 ? 0.2989 : (c == 1 ? 0.587 : 0.114))) * sc
            }
            return s / Float(n)
        }
    }

    func testGrayMeanMatchesTheSwiftLoopOnBothPaths() {
        var rng = Philox(seed: 12)
        for n in [1, 15, 16, 17, 784, 1024, 1031, 50176] {
            for C in [1, 3] {
                let x = (0..<(n * C)).map { _ in rng.nextUniform() }
                let want = swiftGrayMean(x, pixels: n, channels: C)
                for baseline: Int32 in [0, 1, 2] {
                    XCTAssertEqual(rtk_gray_mean(x, n, Int32(C), baseline).bitPattern, want.bitPattern, "n \(n), C \(C), baseline \(baseline)")
                }
            }
        }
    }
}
