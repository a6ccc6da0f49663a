import Support

/// The CPU backend's elementwise plumbing: unary maps, chunked kernels, broadcasting binary maps.
/// `Tensor.map` and `Tensor.zipMap` take Swift closures, so they run on the host only; TensorCore's ops
/// reach elementwise work through `Backend.map` with an enumerated op instead.
extension Tensor {
    /// Elements per parallel chunk for elementwise loops.
    @usableFromInline static let elementwiseGrain = 1 << 15

    /// `f` applied to every element (untraced).
    @inlinable
    @inline(__always) public func map(_ f: @Sendable (Float) -> Float) -> Tensor {
        let n = count
        return withUnsafeBufferPointer { src in
            let s = SendablePointer(src.baseAddress!)
            return Tensor(shape: shape) { dst in
                let d = SendablePointer(dst.baseAddress!)
                parallelFor(n, grain: Tensor.elementwiseGrain) { r in
                    for i in r { d[i] = f(s[i]) }
                }
            }
        }
    }

    /// A tensor of `a`'s shape (untraced) filled by `kernel(a + i, b + i, out + i, count)` on
    /// contiguous chunks of `grain` or more elements in parallel; `a` and `b` have the same count
    /// (pass `a` twice for a unary kernel). One call per chunk, so the kernel's loop stays inlined.
    @inlinable
    public static func chunked(
        _ a: Tensor, _ b: Tensor, grain: Int = elementwiseGrain,
        _ kernel: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Tensor {
        require(a.count == b.count, "chunked: \(a.shape) and \(b.shape) have different counts")
        let n = a.count
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let sa = SendablePointer(pa.baseAddress!)
                let sb = SendablePointer(pb.baseAddress!)
                return Tensor(shape: a.shape) { dst in
                    let d = SendablePointer(dst.baseAddress!)
                    parallelFor(n, grain: grain) { r in
                        kernel(sa.base + r.lowerBound, sb.base + r.lowerBound, d.base + r.lowerBound, r.count)
                    }
                }
            }
        }
    }

    /// `op(a, b)` (untraced): the vectorised kernel when the shapes are equal, else `zipMap` with `f`
    /// (the same operation per element, with broadcasting).
    @inlinable
    public static func zipMap(_ a: Tensor, _ b: Tensor, kernel op: BinaryOp, name: String, _ f: @Sendable (Float, Float) -> Float) -> Tensor {
        guard a.shape == b.shape else { return broadcastRows(a, b, kernel: op, name: name, f) }
        return backend.binary(op, a, b)
    }

    /// `zipMap(_:_:kernel:name:_:)` for different shapes: the kernel per output row when both
    /// operands are contiguous along the (merged) last dimension, e.g. `[B, T, D] + [D]`; else `f`.
    @usableFromInline
    static func broadcastRows(_ a: Tensor, _ b: Tensor, kernel op: BinaryOp, name: String, _ f: @Sendable (Float, Float) -> Float) -> Tensor {
        guard let outShape = Shape.broadcast(a.shape, b.shape) else { return zipMap(a, b, op: name, f) }
        let plan = BroadcastPlan(out: outShape, a: a.shape, b: b.shape)
        let inner = plan.dims.last ?? 1
        guard plan.stridesA.last == 1, plan.stridesB.last == 1, inner >= 16 else { return zipMap(a, b, op: name, f) }
        return backend.binaryRows(op, a, b, shape: outShape, inner: inner) { plan.offsets(row: $0) }
    }

    /// `f(a, b)` with NumPy broadcasting (untraced). `op` names the caller in shape errors.
    @inlinable
    @inline(__always) public static func zipMap(
        _ a: Tensor, _ b: Tensor, op: String, _ f: @Sendable (Float, Float) -> Float
    ) -> Tensor {
        guard let outShape = Shape.broadcast(a.shape, b.shape) else {
            fatalError("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let n = outShape.count
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let sa = SendablePointer(pa.baseAddress!)
                let sb = SendablePointer(pb.baseAddress!)
                return Tensor(shape: outShape) { dst in
                    let d = SendablePointer(dst.baseAddress!)
                    if a.shape == b.shape {
                        parallelFor(n, grain: elementwiseGrain) { r in for i in r { d[i] = f(sa[i], sb[i]) } }
                    } else if b.count == 1 {
                        let v = sb[0]
                        parallelFor(n, grain: elementwiseGrain) { r in for i in r { d[i] = f(sa[i], v) } }
                    } else if a.count == 1 {
                        let v = sa[0]
                        parallelFor(n, grain: elementwiseGrain) { r in for i in r { d[i] = f(v, sb[i]) } }
                    } else {
                        let plan = BroadcastPlan(out: outShape, a: a.shape, b: b.shape)
                        let inner = plan.dims.last ?? 1
                        let ia = plan.stridesA.last ?? 0
                        let ib = plan.stridesB.last ?? 0
                        let rows = n / Swift.max(inner, 1)
                        parallelFor(rows, grain: Swift.max(1, elementwiseGrain / Swift.max(inner, 1))) { r in
                            for row in r {
                                let (oa, ob) = plan.offsets(row: row)
                                let dp = d + row * inner
                                let ap = sa + oa
                                let bp = sb + ob
                                if ia == 1 && ib == 1 {
                                    for j in 0..<inner { dp[j] = f(ap[j], bp[j]) }
                                } else if ia == 1 {
                                    let v = bp[0]
                                    for j in 0..<inner { dp[j] = f(ap[j], v) }
                                } else if ib == 1 {
                                    let v = ap[0]
                                    for j in 0..<inner { dp[j] = f(v, bp[j]) }
                                } else {
                                    for j in 0..<inner { dp[j] = f(ap[j * ia], bp[j * ib]) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
