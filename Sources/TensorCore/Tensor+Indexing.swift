import Support

/// Indexing with gradients: gather / index-select, masked fill, where.
extension Tensor {
    /// Rows `indices` along `axis`: `[..., n, ...]` indexed by `[k]` -> `[..., k, ...]`.
    /// The gradient scatter-adds back (repeated indices accumulate).
    public func indexSelect(alongAxis axis: Int, _ indices: IntTensor) -> Tensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        let idx = indices.scalars.map { Int($0) }
        for i in idx { require(i >= 0 && i < n, "indexSelect: index \(i) out of range 0..<\(n) (axis \(a) of \(shape))") }
        var dims = shape.dims
        dims[a] = idx.count
        let picked = indices.scalars
        let out = Tensor.backend.indexSelect(self, outer: outer, n: n, inner: inner, indices: picked, shape: Shape(dims))
        let s = shape
        return Tensor.traced(out, inputs: [self]) { g in
            [Tensor.backend.indexSelectGradient(g, outer: outer, n: n, inner: inner, indices: picked, shape: s)]
        }
    }

    /// Gathers one element per row along `axis`: out[o, i] = x[o, index[o, i], i], where `indices`
    /// has the input's shape with `axis` removed (PyTorch `gather` with a size-1 index dim, squeezed).
    public func gather(alongAxis axis: Int, _ indices: IntTensor) -> Tensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        var dims = shape.dims
        dims.remove(at: a)
        require(indices.shape == Shape(dims), "gather: indices \(indices.shape) must have shape \(Shape(dims)) for input \(shape), axis \(a)")
        let idx = indices.scalars
        for i in idx { require(i >= 0 && Int(i) < n, "gather: index \(i) out of range 0..<\(n)") }
        let out = Tensor.backend.gather(self, outer: outer, n: n, inner: inner, indices: idx, shape: Shape(dims))
        let s = shape
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.gatherGradient(g, outer: outer, n: n, inner: inner, indices: idx, shape: s)]
        }
    }

    /// `value` where `mask` is non-zero, `self` elsewhere (`mask` broadcasts to this shape).
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        let m = mask.broadcast(to: shape).detached
        let out = Tensor.backend.map(.fill(value), self, m, name: "maskedFill")
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.keepWhereZero, g, m, name: "maskedFill")] }
    }

    /// Elementwise choice: `a` where `condition` is non-zero, else `b` (all three broadcast).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = Shape.broadcast(a.shape, b.shape), let outShape = Shape.broadcast(condition.shape, ab) else {
            fatalError("where: shapes \(condition.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let cond = condition.detached.broadcast(to: outShape)
        let out =
            Tensor.backend.map(.keepWhereNonzero, a.detached, cond, name: "where")
            + Tensor.backend.map(.keepWhereZero, b.detached, cond, name: "where")
        return traced(out, inputs: [a, b]) { g in
            [
                Tensor.backend.map(.keepWhereNonzero, g, cond, name: "where").unbroadcast(to: a.shape),
                Tensor.backend.map(.keepWhereZero, g, cond, name: "where").unbroadcast(to: b.shape),
            ]
        }
    }
}
