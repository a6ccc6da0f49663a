import Foundation
import Support

/// Softmax family along one axis, computed stably (shifted by the row maximum).
extension Tensor {
    /// Runs `f` on every row along `axis`, viewing the tensor as `[outer, n, inner]`: `f(src, dst, n, stride)`.
    @usableFromInline
    func mapRows(alongAxis axis: Int, _ f: @Sendable @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) -> Tensor {
        let (outer, n, inner) = shape.split(at: axis)
        return withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            return Tensor(shape: shape) { dst in
                let d = SendablePointer(dst.baseAddress!)
                parallelFor(outer * inner, grain: Swift.max(1, 4096 / Swift.max(n, 1))) { r in
                    for j in r {
                        let o = j / inner
                        let i = j % inner
                        let off = o * n * inner + i
                        f(UnsafePointer(s.base + off), d.base + off, n, inner)
                    }
                }
            }
        }
    }

    /// softmax(x)_i = e^{x_i - max} / Σ_j e^{x_j - max} along `axis` (default last).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let a = shape.axis(axis)
        let out = detached.mapRows(alongAxis: a) { p, q, n, s in
            var m = -Float.infinity
            for k in 0..<n { m = Swift.max(m, p[k * s]) }
            var acc: Float = 0
            for k in 0..<n {
                let e = Foundation.exp(p[k * s] - m)
                q[k * s] = e
                acc += e
            }
            let inv = 1 / acc
            for k in 0..<n { q[k * s] *= inv }
        }
        return Tensor.traced(out, inputs: [self]) { g in
            // dx = y ⊙ (g - Σ g⊙y)
            let gy = g * out
            return [gy - out * gy.sum(alongAxes: [a], keepingDims: true)]
        }
    }

    /// log softmax(x) = x - logsumexp(x) along `axis` (default last).
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let a = shape.axis(axis)
        let out = detached.mapRows(alongAxis: a) { p, q, n, s in
            var m = -Float.infinity
            for k in 0..<n { m = Swift.max(m, p[k * s]) }
            var acc: Float = 0
            for k in 0..<n { acc += Foundation.exp(p[k * s] - m) }
            let lse = m + Foundation.log(acc)
            for k in 0..<n { q[k * s] = p[k * s] - lse }
        }
        return Tensor.traced(out, inputs: [self]) { g in
            // dx = g - softmax ⊙ Σ g
            [g - out.exp() * g.sum(alongAxes: [a], keepingDims: true)]
        }
    }

    /// x / max(‖x‖₂, ε) along `axis` (PyTorch's `F.normalize`).
    public func l2Normalized(alongAxis axis: Int = -1, epsilon: Float = 1e-12) -> Tensor {
        let norm = squared().sum(alongAxes: [axis], keepingDims: true).sqrt()
        return self / norm.clamped(min: epsilon)
    }
}
