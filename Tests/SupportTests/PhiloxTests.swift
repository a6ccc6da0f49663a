import Support
import XCTest

/// Philox4x32-10 against the Random123 known-answer vectors, and stream properties.
final class PhiloxTests: XCTestCase {
    func testKnownAnswerVectors() {
        let zero = Philox.block(counter: (0, 0, 0, 0), key: (0, 0))
        XCTAssertEqual([zero.0, zero.1, zero.2, zero.3], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox.block(counter: (.max, .max, .max, .max), key: (.max, .max))
        XCTAssertEqual([ones.0, ones.1, ones.2, ones.3], [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = Philox.block(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
        XCTAssertEqual([pi.0, pi.1, pi.2, pi.3], [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    func testStreamsAreReproducibleAndDistinct() {
        var a = Philox(seed: 42, keys: [1, 2, 3])
        var b = Philox(seed: 42, keys: [1, 2, 3])
        var c = Philox(seed: 42, keys: [1, 2, 4])
        let xa = (0..<10).map { _ in a.next() }
        let xb = (0..<10).map { _ in b.next() }
        let xc = (0..<10).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
    }

    func testUniformAndNormalMoments() {
        var r = Philox(seed: 7)
        let n = 100_000
        var s = 0.0
        var s2 = 0.0
        var inRange = true
        for _ in 0..<n {
            let u = r.nextUniform()
            inRange = inRange && u >= 0 && u < 1
            s += Double(u)
        }
        XCTAssertTrue(inRange)
        XCTAssertEqual(s / Double(n), 0.5, accuracy: 0.005)
        s = 0
        for _ in 0..<n {
            let z = Double(r.nextNormal())
            s += z
            s2 += z * z
        }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.02)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[r.nextInt(below: 7)] += 1 }
        XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
    }
}
