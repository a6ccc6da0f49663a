import CDataStore
import DataStore
import Foundation
import Support
import XCTest

/// The C crop-resize kernel (upscaling and identity views) gives bit-identical views to the Swift
/// passes on both its AVX2 and baseline code paths: replays and teacher sidecars do not depend on
/// the code path or the machine.
final class ResampleKernelTests: XCTestCase {
    func image(_ h: Int, _ w: Int, _ c: Int, seed: UInt64) -> [UInt8] {
        var rng = Philox(seed: seed)
        return (0..<(h * w * c)).map { _ in UInt8(rng.nextInt(below: 256)) }
    }

    /// Renders `p` three ways (Swift passes, C kernel, C kernel baseline) and checks they agree bit for bit.
    func check(
        _ src: [UInt8], _ h: Int, _ w: Int, _ c: Int, _ p: ViewParams, _ mean: [Float], _ std: [Float],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var results: [[UInt32]] = []
        for mode in 0..<3 {
            let aug = Augmenter()
            aug.useResampleKernel = mode > 0
            aug.resampleKernelBaseline = mode == 2
            var out = [Float](repeating: .nan, count: c * p.outHeight * p.outWidth)
            try src.withUnsafeBufferPointer { s in
                try out.withUnsafeMutableBufferPointer { o in
                    // Twice: the second render runs on warm (reused) scratch.
                    for _ in 0..<2 {
                        try aug.render(src: s.baseAddress!, height: h, width: w, channels: c, params: p, mean: mean, std: std, into: o.baseAddress!)
                    }
                }
            }
            results.append(out.map(\.bitPattern))
        }
        XCTAssertEqual(results[0], results[1], "kernel vs Swift: \(p)", file: file, line: line)
        XCTAssertEqual(results[0], results[2], "kernel baseline vs Swift: \(p)", file: file, line: line)
    }

    func testRandomSSLViewsMatchTheSwiftPasses() throws {
        for (size, c) in [(32, 3), (28, 1), (32, 1), (20, 3)] {
            let src = image(size, size, c, seed: UInt64(size * 10 + c))
            let spec = ViewSpec.ssl(size: size)
            for i in 0..<300 {
                let p = spec.draw(seed: 9, epoch: 0, sampleID: UInt64(i), view: i % 2, srcHeight: size, srcWidth: size)
                try check(src, size, size, c, p, [0.5], [0.25])
            }
        }
    }

    func testBoxShapesAndOutputSizes() throws {
        let src = image(40, 36, 3, seed: 3)
        var rng = Philox(seed: 11)
        for _ in 0..<400 {
            let oh = 1 + rng.nextInt(below: 48)
            let ow = 1 + rng.nextInt(below: 48)
            let bh = 1 + rng.nextInt(below: 40)
            let bw = 1 + rng.nextInt(below: 36)
            let top = rng.nextInt(below: 40 - bh + 1)
            let left = rng.nextInt(below: 36 - bw + 1)
            let p = ViewParams(
                srcHeight: 40, srcWidth: 36, top: top, left: left, height: bh, width: bw, flipped: rng.nextUniform() < 0.5,
                outHeight: oh, outWidth: ow)
            try check(src, 40, 36, 3, p, [0.4, 0.5, 0.6], [0.2, 0.25, 0.3])
        }
    }

    /// The kernels' run-time AVX2 detection agrees with the CPU flags the operating system reports,
    /// so the comparisons above ran the AVX2 path wherever the machine has one (and the line printed
    /// says which path that was).
    func testAVX2DetectionMatchesTheCPUFlags() throws {
        #if os(Linux) && arch(x86_64)
            let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            let flagsLine = try XCTUnwrap(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }, "no flags line in /proc/cpuinfo")
            let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
            XCTAssertTrue(flags.contains("sse2"), "the flags line lists the CPU's features: \(flagsLine.prefix(80))")
            XCTAssertEqual(rtk_has_avx2() != 0, flags.contains("avx2"), "rtk_has_avx2() against /proc/cpuinfo")
            print("resample kernel: AVX2 \(rtk_has_avx2() != 0 ? "available" : "not available")")
        #else
            throw XCTSkip("compares with /proc/cpuinfo on x86-64 Linux")
        #endif
    }
}
