import Support

/// Selection without gradients: argmax, top-k, sort.
extension Tensor {
    /// Index of the maximum along `axis` (first on ties): shape without `axis`.
    public func argmax(alongAxis axis: Int = -1) -> IntTensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        var dims = shape.dims
        dims.remove(at: a)
        let out = Tensor.backend.argmax(self, outer: outer, n: n, inner: inner)
        return IntTensor(shape: Shape(dims), scalars: out)
    }

    /// The `k` largest values along the last axis, in descending order, and their indices:
    /// `[..., n] -> ([..., k], [..., k])`. Ties keep the lower index first. Each row is selected
    /// with a k-element heap (O(n log k)), rows in parallel.
    public func topK(_ k: Int) -> (values: Tensor, indices: IntTensor) {
        let n = shape[-1]
        require(k >= 0 && k <= n, "topK: k = \(k) out of range for last dimension \(n) of \(shape)")
        let rows = count / Swift.max(n, 1)
        let (vals, idxs) = k > 0 && rows > 0 ? Tensor.backend.topK(self, rows: rows, n: n, k: k) : ([], [])
        var dims = shape.dims
        if dims.isEmpty { dims = [k] } else { dims[dims.count - 1] = k }
        return (Tensor(shape: Shape(dims), scalars: vals), IntTensor(shape: Shape(dims), scalars: idxs))
    }

    /// Values sorted along the last axis (ascending unless `descending`), and the permutation.
    public func sorted(descending: Bool = false) -> (values: Tensor, indices: IntTensor) {
        let n = shape[-1]
        if descending { return topK(n) }
        let (v, i) = (-self).topK(n)
        return (-v, i)
    }
}
