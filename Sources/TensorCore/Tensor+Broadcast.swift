import Support

/// Broadcasting: a tensor repeated to a larger shape, and a gradient summed back down to its input's shape.
extension Tensor {
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
