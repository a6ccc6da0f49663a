import Support

/// Elementwise plumbing: unary maps, broadcasting binary maps, and reducing a broadcast gradient.
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

    /// Sums a gradient of a broadcast result back down to `target` (the input's shape).
    public func unbroadcast(to target: Shape) -> Tensor {
        if shape == target { return self }
        var t = self
        let lead = shape.rank - target.rank
        if lead > 0 { t = t.sum(alongAxes: Array(0..<lead)) }
        let axes = target.dims.indices.filter { target.dims[$0] == 1 && t.shape.dims[$0] != 1 }
        if !axes.isEmpty { t = t.sum(alongAxes: axes, keepingDims: true) }
        return t.withShape(target)
    }

    /// This tensor broadcast to `target` (values repeated along broadcast dimensions).
    public func broadcast(to target: Shape) -> Tensor {
        if shape == target { return self }
        let a = self
        require(Shape.broadcast(shape, target) == target, "broadcast(to:): \(shape) does not broadcast to \(target)")
        let out = Tensor.backend.map(.first, a.detached, Tensor(zeros: target), name: "broadcast")
        return Tensor.traced(out, inputs: [a]) { g in [g.unbroadcast(to: a.shape)] }
    }
}

/// Precomputed strides for a broadcasting loop: dimensions coalesced where both inputs allow,
/// the last dimension walked by the inner loop.
@usableFromInline struct BroadcastPlan: Sendable {
    @usableFromInline var dims: [Int] = []
    @usableFromInline var stridesA: [Int] = []
    @usableFromInline var stridesB: [Int] = []

    @usableFromInline init(out: Shape, a: Shape, b: Shape) {
        func expanded(_ s: Shape) -> [Int] {
            let pad = out.rank - s.rank
            let st = s.strides
            return (0..<out.rank).map { i in i < pad || s.dims[i - pad] == 1 ? 0 : st[i - pad] }
        }
        let ea = expanded(a)
        let eb = expanded(b)
        for i in 0..<out.rank where out.dims[i] != 1 {
            if let last = dims.indices.last,
                stridesA[last] == ea[i] * out.dims[i], stridesB[last] == eb[i] * out.dims[i]
            {
                dims[last] *= out.dims[i]
                stridesA[last] = ea[i]
                stridesB[last] = eb[i]
            } else {
                dims.append(out.dims[i])
                stridesA.append(ea[i])
                stridesB.append(eb[i])
            }
        }
        if dims.isEmpty {
            dims = [1]
            stridesA = [0]
            stridesB = [0]
        }
    }

    /// Offsets into a and b of the first element of output row `row` (all dims but the last).
    @inlinable func offsets(row: Int) -> (Int, Int) {
        var r = row
        var oa = 0
        var ob = 0
        var i = dims.count - 2
        while i >= 0 {
            let d = dims[i]
            let idx = r % d
            r /= d
            oa += idx * stridesA[i]
            ob += idx * stridesB[i]
            i -= 1
        }
        return (oa, ob)
    }
}
