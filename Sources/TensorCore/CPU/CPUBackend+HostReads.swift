import Support

/// Host reads on the CPU: argmax, top-k (a k-element heap per row, rows in parallel), Float64 statistics.
extension CPUBackend {
    /// Row maxima's indices.
    public func argmax(_ x: Tensor, outer: Int, n: Int, inner: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: outer * inner)
        x.withUnsafeBufferPointer { p in
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
        return out
    }

    /// A `TopKHeap` per row, rows in parallel.
    public func topK(_ x: Tensor, rows: Int, n: Int, k: Int) -> (values: [Float], indices: [Int32]) {
        var vals = [Float](repeating: 0, count: rows * k)
        var idxs = [Int32](repeating: 0, count: rows * k)
        x.withUnsafeBufferPointer { p in
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
        return (vals, idxs)
    }

    /// Σ x² in Float64, in order.
    public func sumOfSquares(_ x: Tensor) -> Double {
        x.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) * Double(v) }
            return s
        }
    }

    /// No element NaN or infinite.
    public func isFinite(_ x: Tensor) -> Bool { x.withUnsafeBufferPointer { p in !p.contains { !$0.isFinite } } }

    /// Column sums in Float64, row by row.
    public func columnSums(_ x: Tensor, n: Int, d: Int) -> (sum: [Double], sumOfSquares: [Double]) {
        var sum = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        x.withUnsafeBufferPointer { p in
            for i in 0..<n {
                for j in 0..<d {
                    let v = Double(p[i * d + j])
                    sum[j] += v
                    squares[j] += v * v
                }
            }
        }
        return (sum, squares)
    }
}
