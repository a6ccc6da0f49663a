import Support

/// Selection without gradients: argmax, top-k, sort.
extension Tensor {
    /// Index of the maximum along `axis` (first on ties): shape without `axis`.
    public func argmax(alongAxis axis: Int = -1) -> IntTensor {
        let a = shape.axis(axis)
        let (outer, n, inner) = shape.split(at: a)
        var dims = shape.dims
        dims.remove(at: a)
        var out = [Int32](repeating: 0, count: outer * inner)
        withUnsafeBufferPointer { p in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = 0
                    var bv = -Float.infinity
                    for k in 0..<n where p[(o * n + k) * inner + i] > bv || (k == 0) {
                        bv = p[(o * n + k) * inner + i]
                        best = k
                    }
                    out[o * inner + i] = Int32(best)
                }
            }
        }
        return IntTensor(shape: Shape(dims), scalars: out)
    }

    /// The `k` largest values along the last axis, in descending order, and their indices:
    /// `[..., n] -> ([..., k], [..., k])`. Ties keep the lower index first. Each row is selected
    /// with a k-element heap (O(n log k)), rows in parallel.
    public func topK(_ k: Int) -> (values: Tensor, indices: IntTensor) {
        let n = shape[-1]
        require(k >= 0 && k <= n, "topK: k = \(k) out of range for last dimension \(n) of \(shape)")
        let rows = count / Swift.max(n, 1)
        var vals = [Float](repeating: 0, count: rows * k)
        var idxs = [Int32](repeating: 0, count: rows * k)
        if k > 0 && rows > 0 {
            withUnsafeBufferPointer { p in
                vals.withUnsafeMutableBufferPointer { v in
                    idxs.withUnsafeMutableBufferPointer { ix in
                        let (source, values, indices) = (
                            SendablePointer(p.baseAddress!), SendablePointer(v.baseAddress!), SendablePointer(ix.baseAddress!)
                        )
                        parallelFor(rows, grain: Swift.max(1, 16_384 / n)) { range in
                            var heap = TopKHeap(capacity: k)
                            for r in range {
                                heap.removeAll()
                                let row = source.base + r * n
                                for j in 0..<n { heap.offer(row[j], j) }
                                let ranked = heap.items.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                                for (t, (value, j)) in ranked.enumerated() {
                                    values[r * k + t] = value
                                    indices[r * k + t] = Int32(j)
                                }
                            }
                        }
                    }
                }
            }
        }
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
