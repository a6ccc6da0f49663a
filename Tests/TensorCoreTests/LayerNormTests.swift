import TensorCore
import TestSupport
import XCTest

final class LayerNormTests: XCTestCase {
    func testMatchesFormula() {
        let x = TestTensors.randn([3, 2, 5], seed: 1, scale: 3) + 2
        let scale = TestTensors.randn([2, 5], seed: 2)
        let shift = TestTensors.randn([2, 5], seed: 3)
        let y = x.layerNorm(scale: scale, shift: shift, axisCount: 2, epsilon: 1e-5)
        let v = x.scalars
        let sc = scale.scalars
        let sh = shift.scalars
        var want = [Float]()
        for r in 0..<3 {
            let row = v[(r * 10)..<(r * 10 + 10)].map(Double.init)
            let m = row.reduce(0, +) / 10
            let variance = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 10
            for j in 0..<10 { want.append(Float((row[j] - m) / (variance + 1e-5).squareRoot() * Double(sc[j]) + Double(sh[j]))) }
        }
        assertClose(y.scalars, want, atol: 1e-4, rtol: 1e-4, "layerNorm")
        let plain = x.layerNorm(scale: nil, shift: nil)
        XCTAssertEqual(plain.shape, x.shape)
        XCTAssertEqual(Double(plain.scalars[0..<5].reduce(0, +)), 0, accuracy: 1e-4)
    }

    func testGradientsByFiniteDifferences() {
        let x = TestTensors.randn([4, 6], seed: 4)
        let s = TestTensors.randn([6], seed: 5)
        let b = TestTensors.randn([6], seed: 6)
        assertGradients([x, s, b]) { $0[0].layerNorm(scale: $0[1], shift: $0[2]) }
        assertGradients([x]) { $0[0].layerNorm(scale: nil, shift: nil) }
        let x3 = TestTensors.randn([2, 3, 4], seed: 7)
        let s3 = TestTensors.randn([3, 4], seed: 8)
        assertGradients([x3, s3]) { $0[0].layerNorm(scale: $0[1], shift: nil, axisCount: 2) }
        let b1 = TestTensors.randn([4], seed: 9)
        assertGradients([x3, b1]) { $0[0].layerNorm(scale: nil, shift: $0[1]) }
    }
}
