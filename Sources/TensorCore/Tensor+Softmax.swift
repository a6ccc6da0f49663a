import Foundation
import Support

/// Softmax family along one axis, computed stably (shifted by the row maximum).
extension Tensor {
    /// softmax(x)_i = e^{x_i - max} / Σ_j e^{x_j - max} along `axis` (default last).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        let out = Tensor.backend.softmax(detached, log: false, outer: outer, n: n, inner: inner)
        return Tensor.traced(out, inputs: [self]) { g in
            // dx = y ⊙ (g - Σ g⊙y)
            let gy = g * out
            return [gy - out * gy.sum(alongAxes: [a], keepingDims: true)]
        }
    }

    /// log softmax(x) = x - logsumexp(x) along `axis` (default last).
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        let out = Tensor.backend.softmax(detached, log: true, outer: outer, n: n, inner: inner)
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
