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
        let out = table.withUnsafeBufferPointer { pt in
            idx.withUnsafeBufferPointer { pi in
                let src = SendablePointer(pt.baseAddress!)
                let ix = SendablePointer(pi.baseAddress!)
                return Tensor(shape: outShape) { po in
                    let dst = SendablePointer(po.baseAddress!)
                    parallelFor(idx.count, grain: Swift.max(1, 8192 / Swift.max(d, 1))) { r in
                        for i in r { (dst.base + i * d).update(from: src.base + Int(ix[i]) * d, count: d) }
                    }
                }
            }
        }
        let tableShape = table.shape
        return traced(out, inputs: [table]) { g in
            var gt = Tensor(zeros: tableShape)
            g.withUnsafeBufferPointer { pg in
                gt.withUnsafeMutableBufferPointer { pt in
                    // Sequential over indices so repeated rows accumulate in a fixed order.
                    for (i, k) in idx.enumerated() {
                        let row = pt.baseAddress! + Int(k) * d
                        let src = pg.baseAddress! + i * d
                        for j in 0..<d { row[j] += src[j] }
                    }
                }
            }
            return [gt]
        }
    }
}
