import Support
import TensorCore
import TestSupport
import XCTest

final class PoolingTests: XCTestCase {
    /// Direct max/avg pooling of one plane-major tensor (padding: −∞ for max, 0 counted for avg).
    func naivePool(_ x: Tensor, k: Size2, s: Size2, p: Size2, max isMax: Bool) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * p.h - k.h) / s.h + 1
        let ow = (w + 2 * p.w - k.w) / s.w + 1
        let v = x.scalars
        var out = [Float]()
        for plane in 0..<(n * c) {
            for y in 0..<oh {
                for xx in 0..<ow {
                    var acc: Float = isMax ? -.infinity : 0
                    for i in 0..<k.h {
                        for j in 0..<k.w {
                            let ih = y * s.h - p.h + i
                            let iw = xx * s.w - p.w + j
                            guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                            let e = v[(plane * h + ih) * w + iw]
                            acc = isMax ? Swift.max(acc, e) : acc + e
                        }
                    }
                    out.append(isMax ? acc : acc / Float(k.h * k.w))
                }
            }
        }
        return Tensor(shape: [n, c, oh, ow], scalars: out)
    }

    static let configs: [(Shape, Size2, Size2, Size2)] = [
        ([2, 3, 6, 6], 2, 2, 0),
        ([1, 2, 7, 5], 3, 2, 1),
        ([2, 1, 8, 9], Size2(3, 2), Size2(1, 2), Size2(1, 0)),
        ([3, 2, 5, 5], 3, 1, 1),
    ]

    func testMaxPoolMatchesDirectComputation() {
        for (i, (shape, k, s, p)) in Self.configs.enumerated() {
            let x = TestTensors.randn(shape, seed: UInt64(i))
            let y = x.maxPool2d(kernel: k, stride: s, padding: p)
            let ref = naivePool(x, k: k, s: s, p: p, max: true)
            XCTAssertEqual(y.shape, ref.shape)
            assertClose(y.scalars, ref.scalars, atol: 0, rtol: 0, "maxPool config \(i)")
        }
    }

    func testAvgPoolCountsPaddingInDivisor() {
        for (i, (shape, k, s, p)) in Self.configs.enumerated() {
            let x = TestTensors.randn(shape, seed: UInt64(10 + i))
            let y = x.avgPool2d(kernel: k, stride: s, padding: p)
            let ref = naivePool(x, k: k, s: s, p: p, max: false)
            XCTAssertEqual(y.shape, ref.shape)
            assertClose(y.scalars, ref.scalars, atol: 1e-6, rtol: 1e-5, "avgPool config \(i)")
        }
        // A corner window of a 2x2 ones image with padding 1 covers one real pixel: 1/4.
        let corner = Tensor(repeating: 1, shape: [1, 1, 2, 2]).avgPool2d(kernel: 2, stride: 2, padding: 1)
        XCTAssertEqual(corner.scalars, [0.25, 0.25, 0.25, 0.25])
    }

    func testMaxPoolGradientGoesToTheMaximum() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 5, 3, 2])
        let tape = Tape()
        let tx = tape.watch(x)
        let g = tape.gradients(of: tx.maxPool2d(kernel: 2, stride: 2).sum(), wrt: [tx])[0]
        XCTAssertEqual(g.scalars, [0, 1, 0, 0])
    }

    func testGradientsByFiniteDifferences() {
        for (i, (shape, k, s, p)) in Self.configs.enumerated() {
            // Distinct values far apart so max-pool's argmax does not flip under the probe step.
            let n = shape.count
            var rng = Philox(seed: UInt64(40 + i))
            var perm = Array(0..<n)
            for j in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(j, rng.nextInt(below: j + 1)) }
            let x = Tensor(shape: shape, scalars: perm.map { Float($0) * 0.1 })
            assertGradients([x]) { $0[0].maxPool2d(kernel: k, stride: s, padding: p) }
            assertGradients([TestTensors.randn(shape, seed: UInt64(i))]) { $0[0].avgPool2d(kernel: k, stride: s, padding: p) }
        }
        assertGradients([TestTensors.randn([2, 3, 4, 5], seed: 7)]) { $0[0].globalAveragePool() }
    }

    func testGlobalAveragePool() {
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 10, 20, 30, 40])
        let y = x.globalAveragePool()
        XCTAssertEqual(y.shape, [1, 2])
        XCTAssertEqual(y.scalars, [2.5, 25])
    }

    func testEmptyBatch() {
        let x = Tensor(zeros: [0, 2, 4, 4])
        XCTAssertEqual(x.maxPool2d(kernel: 2, stride: 2).shape, [0, 2, 2, 2])
        XCTAssertEqual(x.avgPool2d(kernel: 2, stride: 2).shape, [0, 2, 2, 2])
        XCTAssertEqual(x.globalAveragePool().shape, [0, 2])
    }
}
