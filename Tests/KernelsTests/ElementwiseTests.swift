import Kernels
import Support
import XCTest

final class ElementwiseTests: XCTestCase {
    /// Lengths around the 16-lane vector width, so both the vector body and the scalar tail run.
    let lengths = [0, 1, 15, 16, 17, 33, 100]

    func values(_ n: Int, seed: UInt64) -> [Float] {
        var rng = Philox(seed: seed)
        return (0..<n).map { i in i % 7 == 3 ? 0 : rng.nextNormal() }
    }

    func testBinaryOpsMatchScalarDefinitions() {
        let cases: [(BinaryOp, (Float, Float) -> Float)] = [
            (.add, { $0 + $1 }), (.subtract, { $0 - $1 }), (.multiply, { $0 * $1 }), (.reluGradient, { $1 > 0 ? $0 : 0 }),
        ]
        for n in lengths {
            let a = values(n, seed: 1)
            let b = values(n, seed: 2)
            for (op, f) in cases {
                var out = [Float](repeating: .nan, count: n)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        out.withUnsafeMutableBufferPointer { po in
                            if n > 0 { Elementwise.apply(op, pa.baseAddress!, pb.baseAddress!, po.baseAddress!, count: n) }
                        }
                    }
                }
                XCTAssertEqual(out, zip(a, b).map(f), "\(op) n=\(n)")
            }
        }
    }

    func testInPlaceAddAliasingTheOutput() {
        var a = values(37, seed: 3)
        let b = values(37, seed: 4)
        let expected = zip(a, b).map { $0 + $1 }
        b.withUnsafeBufferPointer { pb in
            a.withUnsafeMutableBufferPointer { pa in
                Elementwise.apply(.add, pa.baseAddress!, pb.baseAddress!, pa.baseAddress!, count: 37)
            }
        }
        XCTAssertEqual(a, expected)
    }

    func testReluKeepsNaNAndZeroesNegatives() {
        for n in lengths {
            var x = values(n, seed: 5)
            if n > 2 {
                x[n - 1] = .nan
                x[1] = .nan
            }
            var out = [Float](repeating: 7, count: n)
            x.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { po in
                    if n > 0 { Elementwise.relu(px.baseAddress!, po.baseAddress!, count: n) }
                }
            }
            for i in 0..<n {
                if x[i].isNaN { XCTAssertTrue(out[i].isNaN, "n=\(n) i=\(i)") } else { XCTAssertEqual(out[i], max(x[i], 0), "n=\(n) i=\(i)") }
            }
        }
    }

    func testReluGradientIsZeroWhereTheOutputIsNaN() {
        // As the scalar rule `y > 0 ? g : 0`: a NaN output passes no gradient, in the vector body too.
        let g = [Float](repeating: 2, count: 20)
        var y = [Float](repeating: 1, count: 20)
        y[3] = .nan
        y[18] = .nan
        y[5] = 0
        y[6] = -1
        var out = [Float](repeating: 9, count: 20)
        g.withUnsafeBufferPointer { pg in
            y.withUnsafeBufferPointer { py in
                out.withUnsafeMutableBufferPointer { po in
                    Elementwise.apply(.reluGradient, pg.baseAddress!, py.baseAddress!, po.baseAddress!, count: 20)
                }
            }
        }
        XCTAssertEqual(out, (0..<20).map { [3, 5, 6, 18].contains($0) ? 0 : 2 })
    }

    /// The C GELU kernels against `VectorMath`'s lanes (the arithmetic they mirror), on values across the whole range
    /// (exp's clamps included), in place too, and with a tail shorter than a vector, on every build this CPU runs: the
    /// baseline build gives the lanes' bits; the FMA builds (AVX2, AVX-512) fuse multiply-adds, stay within a few ulp of
    /// them and give each other's bits.
    func testGELUInCMatchesTheSwiftLanes() {
        var rng = Philox(seed: 4)
        var x = (0..<1003).map { _ in rng.nextNormal() * 4 }
        x += [0, -0.0, 1e-30, -1e-30, 6, -6, 13, -13, 40, -40, 1e6, -1e6, .infinity, -.infinity]
        let g = x.map { _ in rng.nextNormal() }
        func lanes(_ f: (VectorMath.Lanes) -> VectorMath.Lanes, _ v: Float) -> Float { f(VectorMath.Lanes(repeating: v))[0] }
        let forward = x.map { v in lanes({ 0.5 * $0 * (1 + VectorMath.erf($0 * 0.707_106_78)) }, v) }
        let backward = zip(g, x).map { gi, v in
            gi * lanes({ 0.5 * (1 + VectorMath.erf($0 * 0.707_106_78)) + $0 * (VectorMath.exp(-0.5 * $0 * $0) * 0.398_942_28) }, v)
        }
        var fused: [[Float]] = []
        forEachInstructionSet { isa in
            var y = [Float](repeating: .nan, count: x.count)
            var dx = y
            Elementwise.gelu(x, &y, count: x.count)
            Elementwise.geluGradient(g, x, &dx, count: x.count)
            if isa == .baseline {
                XCTAssertEqual(y.map(\.bitPattern), forward.map(\.bitPattern), "\(isa)")
                XCTAssertEqual(dx.map(\.bitPattern), backward.map(\.bitPattern), "\(isa)")
            } else {
                // Where 1 + erf or Φ + xφ cancel, the roundings differ by less than A&S 7.1.26's own error (1.5e-7 in
                // erf): a tolerance of that order, absolute, scaled by the factors that multiply it.
                for i in x.indices where x[i].isFinite {
                    let scale = 2e-7 * max(1, abs(x[i]))
                    XCTAssertEqual(y[i], forward[i], accuracy: scale, "forward at \(x[i]), \(isa)")
                    XCTAssertEqual(dx[i], backward[i], accuracy: scale * max(1, abs(g[i])), "gradient at \(x[i]), \(isa)")
                }
                for i in x.indices where !x[i].isFinite {
                    XCTAssertEqual(y[i].bitPattern, forward[i].bitPattern, "forward at \(x[i]), \(isa)")
                    XCTAssertEqual(dx[i].bitPattern, backward[i].bitPattern, "gradient at \(x[i]), \(isa)")
                }
                fused.append(y + dx)
            }
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { Elementwise.gelu($0.baseAddress!, $0.baseAddress!, count: $0.count) }
            XCTAssertEqual(inPlace.map(\.bitPattern), y.map(\.bitPattern), "in place, \(isa)")
        }
        if fused.count == 2 { XCTAssertEqual(fused[0].map(\.bitPattern), fused[1].map(\.bitPattern), "AVX2 and AVX-512 bits") }
    }
}
