import Support

/// Copies on the CPU: permutation (rows in parallel), concatenation and slicing (block copies).
extension CPUBackend {
    /// Gathers each output row (innermost dim) from its strided source, rows in parallel.
    public func permute(_ x: Tensor, order: [Int]) -> Tensor {
        let inStrides = x.shape.strides
        let outDims = order.map { x.shape.dims[$0] }
        let srcStrides = order.map { inStrides[$0] }
        let inner = outDims.last ?? 1
        let innerStride = srcStrides.last ?? 1
        let rows = x.count / Swift.max(inner, 1)
        return x.withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            return Tensor(shape: Shape(outDims)) { dst in
                let d = SendablePointer(dst.baseAddress!)
                parallelFor(rows, grain: Swift.max(1, 16384 / Swift.max(inner, 1))) { r in
                    for row in r {
                        var rem = row
                        var off = 0
                        var i = outDims.count - 2
                        while i >= 0 {
                            off += (rem % outDims[i]) * srcStrides[i]
                            rem /= outDims[i]
                            i -= 1
                        }
                        let dp = d + row * inner
                        for j in 0..<inner { dp[j] = s[off + j * innerStride] }
                    }
                }
            }
        }
    }

    /// One block copy per part and outer index.
    public func concatenate(_ parts: [Tensor], outer: Int, sizes: [Int], inner: Int, shape: Shape) -> Tensor {
        let total = sizes.reduce(0, +)
        var out = Tensor(zeros: shape)
        out.withUnsafeMutableBufferPointer { dst in
            var offset = 0
            for (p, n) in zip(parts, sizes) {
                p.withUnsafeBufferPointer { src in
                    for o in 0..<outer {
                        let from = src.baseAddress! + o * n * inner
                        (dst.baseAddress! + (o * total + offset) * inner).update(from: from, count: n * inner)
                    }
                }
                offset += n
            }
        }
        return out
    }

    /// One block copy per outer index.
    public func slice(_ x: Tensor, outer: Int, n: Int, inner: Int, range: Range<Int>, shape: Shape) -> Tensor {
        let m = range.count
        return x.withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                for o in 0..<outer {
                    (dst.baseAddress! + o * m * inner).update(from: src.baseAddress! + (o * n + range.lowerBound) * inner, count: m * inner)
                }
            }
        }
    }

    /// Zeros, then one block copy per outer index.
    public func unslice(_ g: Tensor, outer: Int, n: Int, inner: Int, range: Range<Int>, shape: Shape) -> Tensor {
        let m = range.count
        var full = Tensor(zeros: shape)
        full.withUnsafeMutableBufferPointer { dst in
            g.withUnsafeBufferPointer { gs in
                for o in 0..<outer {
                    (dst.baseAddress! + (o * n + range.lowerBound) * inner).update(from: gs.baseAddress! + o * m * inner, count: m * inner)
                }
            }
        }
        return full
    }

    /// One row copy per (outer, index), in parallel.
    public func indexSelect(_ x: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor {
        let k = indices.count
        return x.withUnsafeBufferPointer { px in
            indices.withUnsafeBufferPointer { pi in
                let src = SendablePointer(px.baseAddress!)
                let ix = SendablePointer(pi.baseAddress!)
                return Tensor(shape: shape) { po in
                    let dst = SendablePointer(po.baseAddress!)
                    parallelFor(outer * k, grain: Swift.max(1, 8192 / Swift.max(inner, 1))) { r in
                        for p in r {
                            let (o, j) = (p / k, p % k)
                            (dst.base + p * inner).update(from: src.base + (o * n + Int(ix[j])) * inner, count: inner)
                        }
                    }
                }
            }
        }
    }

    /// Sequential scatter-add (a fixed accumulation order for repeated indices).
    public func indexSelectGradient(_ g: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor {
        let k = indices.count
        var full = Tensor(zeros: shape)
        full.withUnsafeMutableBufferPointer { dst in
            g.withUnsafeBufferPointer { gs in
                for o in 0..<outer {
                    for (j, i) in indices.enumerated() {
                        let d = dst.baseAddress! + (o * n + Int(i)) * inner
                        let q = gs.baseAddress! + (o * k + j) * inner
                        for t in 0..<inner { d[t] += q[t] }
                    }
                }
            }
        }
        return full
    }

    /// One element per position.
    public func gather(_ x: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor {
        x.withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                for o in 0..<outer {
                    for i in 0..<inner { dst[o * inner + i] = src[(o * n + Int(indices[o * inner + i])) * inner + i] }
                }
            }
        }
    }

    /// Sequential scatter-add.
    public func gatherGradient(_ g: Tensor, outer: Int, n: Int, inner: Int, indices: [Int32], shape: Shape) -> Tensor {
        var full = Tensor(zeros: shape)
        full.withUnsafeMutableBufferPointer { dst in
            g.withUnsafeBufferPointer { gs in
                for o in 0..<outer {
                    for i in 0..<inner { dst[(o * n + Int(indices[o * inner + i])) * inner + i] += gs[o * inner + i] }
                }
            }
        }
        return full
    }
}
