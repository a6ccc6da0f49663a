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
    /// `[..., n] -> ([..., k], [..., k])`. Ties keep the lower index first.
    public func topK(_ k: Int) -> (values: Tensor, indices: IntTensor) {
        let n = shape[-1]
        require(k >= 0 && k <= n, "topK: k = \(k) out of range for last dimension \(n) of \(shape)")
        let rows = count / Swift.max(n, 1)
        var vals = [Float]()
        var idxs = [Int32]()
        vals.reserveCapacity(rows * k)
        idxs.reserveCapacity(rows * k)
        withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r * n
                let order = (0..<n).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
                for j in order.prefix(k) {
                    vals.append(row[j])
                    idxs.append(Int32(j))
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
