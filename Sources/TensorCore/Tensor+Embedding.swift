import Support

/// Embedding lookup (rows of a table by integer index).
extension Tensor {
    /// Rows of `table` `[V, D]` picked by `indices` `[*]`, giving `[*, D]`. The gradient scatter-adds
    /// into the table (repeated indices accumulate). Every index must lie in `0..<V`.
    public static func embedding(_ table: Tensor, indices: IntTensor) -> Tensor {
        require(table.rank == 2, "embedding: table \(table.shape) must be [V, D] (indices \(indices.shape))")
        let v = table.shape[0]
        let d = table.shape[1]
        let idx = indices.scalars
        for (i, k) in idx.enumerated() {
            require(
                k >= 0 && Int(k) < v,
                "embedding: index \(k) at position \(i) is out of range for V = \(v) (table \(table.shape), indices \(indices.shape))")
        }
        let outShape = Shape(indices.shape.dims + [d])
        if outShape.count == 0 { return emptyResult(outShape, inputs: [table]) }
        // The table's rows picked by index (`Backend.indexSelect` on its `[1, V, D]` view); the gradient
        // scatter-adds in index order, so repeated rows accumulate in a fixed order.
        let out = backend.indexSelect(table, outer: 1, n: v, inner: d, indices: idx, shape: outShape)
        let tableShape = table.shape
        return traced(out, inputs: [table]) { g in [backend.indexSelectGradient(g, outer: 1, n: v, inner: d, indices: idx, shape: tableShape)] }
    }
}
