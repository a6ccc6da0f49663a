import Support

/// Shape manipulation with gradients: reshape, permute, concat, slice, split, stack.
extension Tensor {
    /// The same elements under new dimensions (one may be -1, inferred); shares storage, no copy.
    public func reshaped(to newDims: [Int]) -> Tensor {
        var dims = newDims
        if let i = dims.firstIndex(of: -1) {
            dims[i] = 1
            let known = dims.reduce(1, *)
            require(known > 0 && count % known == 0, "reshaped(to:): cannot reshape \(shape) to \(newDims)")
            dims[i] = count / known
        }
        require(
            dims.allSatisfy { $0 >= 0 } && dims.reduce(1, *) == count,
            "reshaped(to:): cannot reshape \(shape) (\(count) elements) to \(newDims)")
        let s = shape
        return Tensor.traced(withShape(Shape(dims)), inputs: [self]) { g in [g.withShape(s)] }
    }
    /// The same elements under `newShape`; shares storage, no copy.
    public func reshaped(to newShape: Shape) -> Tensor { reshaped(to: newShape.dims) }
    /// Flattens dimensions from `axis` on into one: `[N, C, H, W] -> [N, C*H*W]` for axis 1.
    public func flattened(from axis: Int = 1) -> Tensor {
        let a = shape.axis(axis)
        return reshaped(to: Shape(Array(shape.dims[..<a]) + [shape.dims[a...].reduce(1, *)]))
    }

    /// Dimensions reordered: output dim i is input dim `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        require(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation for shape \(shape)")
        if order == Array(0..<rank) { return self }
        let out = Tensor.backend.permute(self, order: order)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.traced(out, inputs: [self]) { g in [g.permuted(inverse)] }
    }
    /// Swaps two dimensions (the last two by default).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(shape.axis(a), shape.axis(b))
        return permuted(order)
    }

    /// Joins tensors along `axis`; all other dimensions must match.
    public static func concatenate(_ parts: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        require(!parts.isEmpty, "concatenate: no tensors")
        let a = parts[0].shape.axis(axis)
        for p in parts {
            var d0 = parts[0].shape.dims
            var d1 = p.shape.dims
            require(d0.count == d1.count, "concatenate: shapes \(parts[0].shape) and \(p.shape) differ in rank")
            d0[a] = 0
            d1[a] = 0
            require(d0 == d1, "concatenate: shapes \(parts[0].shape) and \(p.shape) differ off axis \(a)")
        }
        let (outer, _, inner) = parts[0].shape.split(at: a)
        let sizes = parts.map { $0.shape.dims[a] }
        var dims = parts[0].shape.dims
        dims[a] = sizes.reduce(0, +)
        let out = backend.concatenate(parts, outer: outer, sizes: sizes, inner: inner, shape: Shape(dims))
        return traced(out, inputs: parts) { g in
            var start = 0
            return sizes.map { n in
                defer { start += n }
                return g.slice(alongAxis: a, start..<(start + n))
            }
        }
    }

    /// The sub-tensor with indices `range` along `axis`.
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let a = shape.axis(axis)
        require(
            range.lowerBound >= 0 && range.upperBound <= shape.dims[a],
            "slice: range \(range) out of bounds for axis \(a) of shape \(shape)")
        let (outer, n, inner) = shape.split(at: a)
        var dims = shape.dims
        dims[a] = range.count
        let out = Tensor.backend.slice(self, outer: outer, n: n, inner: inner, range: range, shape: Shape(dims))
        let s = shape
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.unslice(g, outer: outer, n: n, inner: inner, range: range, shape: s)] }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the extent).
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let a = shape.axis(axis)
        require(sizes.reduce(0, +) == shape.dims[a], "split: sizes \(sizes) do not add up to \(shape.dims[a]) (axis \(a) of \(shape))")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(alongAxis: a, start..<(start + n))
        }
    }
    /// Splits along `axis` into `parts` equal pieces.
    public func split(count parts: Int, alongAxis axis: Int = 0) -> [Tensor] {
        let n = shape[axis]
        require(parts > 0 && n % parts == 0, "split: \(n) is not divisible into \(parts) parts (shape \(shape))")
        return split(sizes: Array(repeating: n / parts, count: parts), alongAxis: axis)
    }

    /// Stacks same-shaped tensors along a new axis.
    public static func stack(_ parts: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        require(!parts.isEmpty, "stack: no tensors")
        let s = parts[0].shape
        for p in parts { require(p.shape == s, "stack: shapes \(s) and \(p.shape) differ") }
        let a = axis < 0 ? axis + s.rank + 1 : axis
        var dims = s.dims
        dims.insert(1, at: a)
        return concatenate(parts.map { $0.reshaped(to: Shape(dims)) }, alongAxis: a)
    }
}
