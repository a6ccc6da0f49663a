import Foundation
import Kernels
import XCTest

final class VectorMathTests: XCTestCase {
    /// Points spread over `lo...hi` in groups of lanes.
    func lanes(_ lo: Float, _ hi: Float, count: Int = 4096) -> [VectorMath.Lanes] {
        (0..<count / VectorMath.Lanes.scalarCount).map { v in
            var x = VectorMath.Lanes(repeating: 0)
            for j in 0..<VectorMath.Lanes.scalarCount { x[j] = lo + (hi - lo) * Float(v * VectorMath.Lanes.scalarCount + j) / Float(count - 1) }
            return x
        }
    }

    func testExpWithinTwoUlpOfLibm() {
        for v in lanes(-87, 88) {
            let y = VectorMath.exp(v)
            for j in 0..<VectorMath.Lanes.scalarCount {
                let expected = Foundation.exp(v[j])
                XCTAssertLessThanOrEqual(abs(y[j] - expected), 2 * expected.ulp, "exp(\(v[j]))")
            }
        }
        let extremes = VectorMath.exp(VectorMath.Lanes(repeating: -200))
        XCTAssertTrue(extremes[0] >= 0 && extremes[0] < 1e-37)
        XCTAssertEqual(VectorMath.exp(VectorMath.Lanes(repeating: 0))[1], 1)
    }

    func testErfWithinTheAbramowitzStegunBound() {
        var worst: Float = 0
        for v in lanes(-6, 6) {
            let y = VectorMath.erf(v)
            for j in 0..<VectorMath.Lanes.scalarCount { worst = max(worst, abs(y[j] - Foundation.erf(v[j]))) }
        }
        XCTAssertLessThan(worst, 6e-7)  // 1.5e-7 from the formula, the rest Float rounding (measured 4.7e-7)
        XCTAssertEqual(VectorMath.erf(VectorMath.Lanes(repeating: 30))[0], 1)
        XCTAssertEqual(VectorMath.erf(VectorMath.Lanes(repeating: -30))[0], -1)
    }

    func testGELUAndItsGradientMatchTheScalarFormulas() {
        for n in [1, 15, 16, 17, 40] {
            let x = (0..<n).map { Float($0) * 0.37 - 6 }
            let g = (0..<n).map { 1 + Float($0 % 5) * 0.5 }
            var y = [Float](repeating: .nan, count: n)
            var dx = [Float](repeating: .nan, count: n)
            x.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    y.withUnsafeMutableBufferPointer { Elementwise.gelu(px.baseAddress!, $0.baseAddress!, count: n) }
                    dx.withUnsafeMutableBufferPointer { Elementwise.geluGradient(pg.baseAddress!, px.baseAddress!, $0.baseAddress!, count: n) }
                }
            }
            for i in 0..<n {
                let v = Double(x[i])
                let cdf = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot()))
                let pdf = Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
                XCTAssertEqual(Double(y[i]), v * cdf, accuracy: 1e-6 * max(1, abs(v)), "gelu(\(v)) n=\(n)")
                XCTAssertEqual(Double(dx[i]), Double(g[i]) * (cdf + v * pdf), accuracy: 2e-6 * Double(g[i]), "gelu'(\(v)) n=\(n)")
            }
        }
    }
}
