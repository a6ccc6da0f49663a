import CTurboJPEG
import DataStore
import Support
import XCTest

/// Region-of-interest JPEG decoding against TurboJPEG's full decode of the same file.
final class JPEGRegionTests: XCTestCase {
    /// A smooth image with texture and noise, encoded with the given TurboJPEG subsampling.
    static func jpeg(height h: Int, width w: Int, channels c: Int, subsampling: TJSAMP, quality: Int = 90, seed: UInt64 = 1) -> [UInt8] {
        var rng = Philox(seed: seed)
        var px = [UInt8](repeating: 0, count: h * w * c)
        for y in 0..<h {
            for x in 0..<w {
                for k in 0..<c {
                    let v = 128 + 60 * sin(Float(x) * 0.11 + Float(k)) * cos(Float(y) * 0.07) + Float(x * y % 37) + rng.nextUniform(in: -20, 20)
                    px[(y * w + x) * c + k] = UInt8(max(0, min(255, v)))
                }
            }
        }
        let handle = tjInitCompress()
        defer { tjDestroy(handle) }
        var buf: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let pf = c == 1 ? TJPF_GRAY : TJPF_RGB
        let r = tjCompress2(handle, px, Int32(w), 0, Int32(h), Int32(pf.rawValue), &buf, &size, Int32(subsampling.rawValue), Int32(quality), 0)
        precondition(r == 0, "encode failed")
        defer { tjFree(buf) }
        return Array(UnsafeBufferPointer(start: buf, count: Int(size)))
    }

    /// Decodes random regions and compares them with the full decode: every row and every column
    /// is identical except, with fancy chroma upsampling, columns fewer than `margin` from an inner
    /// edge of the decoded crop (the crop's first or last column lacks its chroma neighbour).
    /// Returns the number of differing pixels.
    @discardableResult
    func check(
        _ file: [UInt8], h: Int, w: Int, c: Int, denom: Int, fastUpsample: Bool, margin: Int,
        regions: Int = 40, seed: UInt64 = 3, file line: StaticString = #filePath, at: UInt = #line
    ) throws -> Int {
        let sh = JPEGCodec.scaled(h, num: 1, denom: denom)
        let sw = JPEGCodec.scaled(w, num: 1, denom: denom)
        var full = [UInt8](repeating: 0, count: sh * sw * c)
        try file.withUnsafeBytes { b in
            try full.withUnsafeMutableBufferPointer {
                try JPEGCodec().decode(b, into: $0.baseAddress!, width: sw, height: sh, channels: c, fastUpsample: fastUpsample)
            }
        }
        let dec = JPEGRegionDecoder()
        var out = [UInt8](repeating: 0, count: sh * sw * c)
        var rng = Philox(seed: seed)
        var differing = 0
        for _ in 0..<regions {
            let top = rng.nextInt(below: sh)
            let left = rng.nextInt(below: sw)
            let rows = 1 + rng.nextInt(below: sh - top)
            let cols = 1 + rng.nextInt(below: sw - left)
            let r = try file.withUnsafeBytes { b in
                try out.withUnsafeMutableBufferPointer {
                    try dec.decode(
                        b, denominator: denom, fastUpsample: fastUpsample, channels: c, top: top, left: left, rows: rows, cols: cols,
                        into: $0.baseAddress!, capacity: $0.count)
                }
            }
            XCTAssertEqual(r.fullHeight, sh, file: line, line: at)
            XCTAssertEqual(r.fullWidth, sw, file: line, line: at)
            XCTAssertTrue(r.top <= top && r.top + r.rows == top + rows, "\(r)", file: line, line: at)
            XCTAssertTrue(r.left <= left && r.left + r.cols >= left + cols && r.left + r.cols <= sw, "\(r)", file: line, line: at)
            for y in 0..<r.rows {
                for x in r.left..<(r.left + r.cols) {
                    let a = ((r.top + y) * sw + x) * c
                    let b = (y * r.cols + x - r.left) * c
                    guard full[a..<(a + c)] != out[b..<(b + c)] else { continue }
                    differing += 1
                    // Distance to the nearest crop edge that is not the image's own edge.
                    let fromLeft = r.left == 0 ? Int.max : x - r.left
                    let fromRight = r.left + r.cols == sw ? Int.max : r.left + r.cols - 1 - x
                    XCTAssertLessThan(
                        min(fromLeft, fromRight), margin, "1/\(denom) fast \(fastUpsample) \(r): pixel (\(r.top + y), \(x)) differs",
                        file: line, line: at)
                }
            }
        }
        return differing
    }

    func testRegionEqualsFullDecode() throws {
        let cases: [(Int, Int, Int, TJSAMP)] = [
            (77, 101, 3, TJSAMP_420), (96, 128, 3, TJSAMP_422), (61, 90, 3, TJSAMP_444),
            (70, 83, 1, TJSAMP_GRAY), (120, 66, 3, TJSAMP_440),
        ]
        for (k, (h, w, c, sub)) in cases.enumerated() {
            let file = Self.jpeg(height: h, width: w, channels: c, subsampling: sub, seed: UInt64(k))
            for denom in [1, 2, 4, 8] {
                for fast in [false, true] {
                    let n = try check(file, h: h, w: w, c: c, denom: denom, fastUpsample: fast, margin: 1, seed: UInt64(10 * k + denom))
                    print("JPEG region \(h)x\(w)x\(c) sub \(sub.rawValue) 1/\(denom) fast \(fast): \(n) edge pixels differ")
                }
            }
        }
    }
}
