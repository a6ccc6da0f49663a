import Kernels
import Support
import TestSupport
import XCTest

/// `PackedGEMM` against a Double reference: B as rows and as its transpose, storing and accumulating, row counts
/// that are and are not whole blocks (1, 13, 200, 300), partial column panels (n 5, 16, 37), k 1 to 140, under every
/// build this CPU runs; and a row's bits do not depend on the rows around it.
final class PackedGEMMTests: XCTestCase {
    func reference(_ a: [Float], _ b: [Float], _ c: [Float], m: Int, n: Int, k: Int, transposeB: Bool, accumulate: Bool) -> [Float] {
        (0..<(m * n)).map { x in
            let (i, j) = (x / n, x % n)
            let dot = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(transposeB ? b[j * k + $1] : b[$1 * n + j]) }
            return Float(dot + (accumulate ? Double(c[x]) : 0))
        }
    }

    func product(_ a: [Float], _ b: [Float], _ c: [Float], m: Int, n: Int, k: Int, transposeB: Bool, accumulate: Bool) -> [Float] {
        var out = c
        out.withUnsafeMutableBufferPointer { pc in
            PackedGEMM.multiply(
                a: a, lda: k, b: b, ldb: transposeB ? k : n, transposeB: transposeB, m: m, n: n, k: k, c: pc.baseAddress!, ldc: n,
                accumulate: accumulate)
        }
        return out
    }

    func testMatchesADoubleReference() {
        var rng = Philox(seed: 5)
        forEachInstructionSet { isa in
            for (m, n, k) in [(1, 5, 1), (13, 16, 7), (200, 37, 140), (300, 16, 64)] {
                let a = (0..<(m * k)).map { _ in rng.nextNormal() }
                let b = (0..<(k * n)).map { _ in rng.nextNormal() }
                let c = (0..<(m * n)).map { _ in rng.nextNormal() }
                for transposeB in [false, true] {
                    for accumulate in [false, true] {
                        let got = product(a, b, c, m: m, n: n, k: k, transposeB: transposeB, accumulate: accumulate)
                        let want = reference(a, b, c, m: m, n: n, k: k, transposeB: transposeB, accumulate: accumulate)
                        assertClose(got, want, atol: 1e-5, rtol: 1e-5, "\(m)x\(n)x\(k), transposeB \(transposeB), accumulate \(accumulate), \(isa)")
                    }
                }
            }
        }
    }

    func testARowsBitsDoNotDependOnTheRowsAroundIt() {
        var rng = Philox(seed: 6)
        let (m, n, k) = (300, 40, 33)
        let a = (0..<(m * k)).map { _ in rng.nextNormal() }
        let b = (0..<(k * n)).map { _ in rng.nextNormal() }
        let zero = [Float](repeating: 0, count: m * n)
        let whole = product(a, b, zero, m: m, n: n, k: k, transposeB: false, accumulate: false)
        for (start, count) in [(0, 1), (7, 5), (100, 200), (299, 1)] {
            let part = product(
                Array(a[(start * k)..<((start + count) * k)]), b, Array(zero.prefix(count * n)), m: count, n: n, k: k, transposeB: false,
                accumulate: false)
            XCTAssertEqual(part.map(\.bitPattern), whole[(start * n)..<((start + count) * n)].map(\.bitPattern), "rows \(start)..<\(start + count)")
        }
    }

    /// It takes tall, short-K products with a panel of columns, and only with a vector build.
    func testSuitsTallShortProductsOnVectorBuilds() {
        forEachInstructionSet { isa in
            XCTAssertEqual(PackedGEMM.suits(m: 8192, n: 384, k: 128), isa != .baseline, "\(isa)")
            XCTAssertFalse(PackedGEMM.suits(m: 128, n: 384, k: 128), "short, \(isa)")
            XCTAssertFalse(PackedGEMM.suits(m: 8192, n: 384, k: 2048), "long k, \(isa)")
            XCTAssertFalse(PackedGEMM.suits(m: 8192, n: 8, k: 128), "narrow, \(isa)")
            XCTAssertFalse(PackedGEMM.suits(m: 8192, n: 384, k: 0), "empty k, \(isa)")
        }
    }
}
