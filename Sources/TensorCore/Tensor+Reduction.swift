import Foundation
import Support

/// Reductions over axes, with gradients. `keepingDims` keeps reduced axes as size 1.
extension Tensor {
    /// `op` over one axis (the backend's rows of the `[outer, n, inner]` view), the axis kept as size 1
    /// or dropped.
    func reduceAxis(_ axis: Int, _ op: Reduction, keepingDims: Bool) -> Tensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        var dims = shape.dims
        if keepingDims { dims[a] = 1 } else { dims.remove(at: a) }
        return Tensor.backend.reduce(self, op, outer: outer, n: n, inner: inner, shape: Shape(dims))
    }

    /// The sum of all elements (rank 0).
    public func sum() -> Tensor {
        let total = Tensor.backend.sum(self)
        let s = shape
        return Tensor.traced(Tensor(total), inputs: [self]) { g in [g.broadcast(to: s)] }
    }

    /// Sums over `axes`.
    public func sum(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let norm = Set(axes.map { shape.axis($0) }).sorted(by: >)
        var out = detached
        for a in norm { out = out.reduceAxis(a, .sum, keepingDims: true) }
        let kept = out.shape
        if !keepingDims { out = out.withShape(Shape(shape.dims.enumerated().filter { !norm.contains($0.offset) }.map(\.element))) }
        let s = shape
        return Tensor.traced(out, inputs: [self]) { g in [g.withShape(kept).broadcast(to: s)] }
    }
    /// Sums over one axis.
    public func sum(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor { sum(alongAxes: [axis], keepingDims: keepingDims) }

    /// The mean of all elements (rank 0).
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }
    /// The mean over `axes`.
    public func mean(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let n = Set(axes.map { shape.axis($0) }).reduce(1) { $0 * shape.dims[$1] }
        return sum(alongAxes: axes, keepingDims: keepingDims) * (1 / Float(Swift.max(n, 1)))
    }
    /// The mean over one axis.
    public func mean(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor { mean(alongAxes: [axis], keepingDims: keepingDims) }

    /// The variance over `axes` (biased, divide by n, unless `unbiased`).
    public func variance(alongAxes axes: [Int], keepingDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let n = Set(axes.map { shape.axis($0) }).reduce(1) { $0 * shape.dims[$1] }
        let centred = self - mean(alongAxes: axes, keepingDims: true)
        let ss = centred.squared().sum(alongAxes: axes, keepingDims: keepingDims)
        return ss * (1 / Float(Swift.max(unbiased ? n - 1 : n, 1)))
    }

    /// The maximum over one axis; the gradient goes to the maximal elements (split among ties).
    public func max(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
        let a = shape.axis(axis)
        let kept = detached.reduceAxis(a, .max, keepingDims: true)
        var dims = kept.shape.dims
        if !keepingDims { dims.remove(at: a) }
        let x = detached
        return Tensor.traced(kept.withShape(Shape(dims)), inputs: [self]) { g in
            let mask = Tensor.backend.map(.equal, x, kept, name: "max")
            let ties = mask.sum(alongAxes: [a], keepingDims: true)
            return [mask * (g.withShape(kept.shape) / ties)]
        }
    }
    /// The maximum over `axes`.
    public func max(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let norm = Set(axes.map { shape.axis($0) }).sorted(by: >)
        var out = self
        for a in norm { out = out.max(alongAxis: a, keepingDims: true) }
        if keepingDims { return out }
        return out.reshaped(to: Shape(shape.dims.enumerated().filter { !norm.contains($0.offset) }.map(\.element)))
    }
    /// The minimum over one axis.
    public func min(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor { -(-self).max(alongAxis: axis, keepingDims: keepingDims) }

    /// log Σ exp(x) over one axis, computed stably (shifted by the maximum).
    public func logSumExp(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
        let a = shape.axis(axis)
        let x = detached
        let out = x.reduceAxis(a, .logSumExp, keepingDims: true)
        var dims = out.shape.dims
        if !keepingDims { dims.remove(at: a) }
        return Tensor.traced(out.withShape(Shape(dims)), inputs: [self]) { g in
            let soft = Tensor.backend.map(.expDifference, x, out, name: "logsumexp")
            return [soft * g.withShape(out.shape)]
        }
    }
}
