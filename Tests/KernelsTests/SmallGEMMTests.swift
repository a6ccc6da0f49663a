import Kernels
import Support
import TestSupport
import XCTest

/// `SmallGEMM` against a Double reference for every combination of transposed operands, strided operands and output
/// (leading dimensions wider than the matrices, as attention's packed `qkv` rows), row counts that are and are not
/// whole blocks, column counts with partial panels, k from 0, under every build this CPU runs; and the vector builds
/// agree bit for bit (each element is the same sequence of fused multiply-adds).
final class SmallGEMMTests: XCTestCase {
    struct Case {
        var m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float
        var lda: Int { (transposeA ? m : k) + 3 }
        var ldb: Int { (transposeB ? k : n) + 5 }
        var ldc: Int { n + 2 }
        var aCount: Int { (transposeA ? k : m) * lda }
        var bCount: Int { (transposeB ? n : k) * ldb }
        func a(_ i: Int, _ kk: Int) -> Int { transposeA ? kk * lda + i : i * lda + kk }
        func b(_ kk: Int, _ j: Int) -> Int { transposeB ? j * ldb + kk : kk * ldb + j }
    }

    func reference(_ c: Case, _ a: [Float], _ b: [Float]) -> [Double] {
        (0..<(c.m * c.n)).map { x in
            let (i, j) = (x / c.n, x % c.n)
            return Double(c.alpha) * (0..<c.k).reduce(0.0) { $0 + Double(a[c.a(i, $1)]) * Double(b[c.b($1, j)]) }
        }
    }

    /// C's `[m, n]` entries (the padding between rows must stay as it was: 7).
    func product(_ c: Case, _ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) -> [Float] {
        var out = [Float](repeating: 7, count: c.m * c.ldc)
        var scratch = [Float](repeating: .nan, count: max(1, SmallGEMM.scratchCount(transposeB: c.transposeB, n: c.n, k: c.k)))
        out.withUnsafeMutableBufferPointer { pc in
            scratch.withUnsafeMutableBufferPointer { ps in
                SmallGEMM.multiply(
                    transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a, lda: c.lda,
                    b: b, ldb: c.ldb, c: pc.baseAddress!, ldc: c.ldc, scratch: ps.baseAddress!)
            }
        }
        for i in 0..<c.m {
            for x in c.n..<c.ldc { XCTAssertEqual(out[i * c.ldc + x], 7, "row \(i)'s padding written", file: file, line: line) }
        }
        return (0..<(c.m * c.n)).map { out[($0 / c.n) * c.ldc + $0 % c.n] }
    }

    var cases: [Case] {
        let shapes = [(32, 32, 32), (65, 65, 64), (1, 1, 1), (13, 17, 7), (7, 48, 33), (23, 16, 0), (6, 100, 5)]
        return shapes.flatMap { m, n, k in
            [(false, false), (false, true), (true, false), (true, true)].map { ta, tb in
                Case(m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: ta ? 0.125 : 1)
            }
        }
    }

    func testMatchesADoubleReferenceOnEveryBuild() {
        var rng = Philox(seed: 8)
        for c in cases {
            let a = (0..<c.aCount).map { _ in rng.nextNormal() }
            let b = (0..<c.bCount).map { _ in rng.nextNormal() }
            let want = reference(c, a, b)
            var builds: [InstructionSet: [Float]] = [:]
            forEachInstructionSet { isa in
                let got = product(c, a, b)
                builds[isa] = got
                for (g, w) in zip(got, want) {
                    XCTAssertEqual(Double(g), w, accuracy: 1e-5 * max(1, abs(w)) * Double(max(1, c.k)).squareRoot(), "\(c), \(isa)")
                }
            }
            if let avx2 = builds[.avx2], let avx512 = builds[.avx512] {
                XCTAssertEqual(avx2.map(\.bitPattern), avx512.map(\.bitPattern), "AVX2 and AVX-512 bits, \(c)")
            }
        }
    }
}
