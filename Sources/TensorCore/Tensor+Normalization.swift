import Support

/// Batch normalisation (Ioffe & Szegedy 2015) and layer normalisation (Ba et al. 2016), each one
/// fused op with a closed-form backward.
extension Tensor {
    /// Batch norm of `x` `[N, C]` or `[N, C, H, W]` per channel C:
    /// `y = (x − μ)/√(σ² + ε)·scale + shift` with `scale`, `shift` `[C]`. Training uses the batch
    /// mean and biased variance and updates the (untraced) running statistics
    /// `r ← (1 − momentum)·r + momentum·s` with the unbiased batch variance (as PyTorch);
    /// inference uses the running statistics. Gradients for x, scale and shift.
    ///
    /// With a `group` of more than one rank in training (PyTorch's `SyncBatchNorm`), the statistics are
    /// those of the union of every rank's batch: each rank's mean and variance are gathered and combined
    /// (`μ = Σ m_r μ_r / M`, `σ² = Σ m_r (σ²_r + (μ_r − μ)²) / M`, Double, in rank order), the running
    /// variance uses `M / (M − 1)`, and the backward sums `Σ dy` and `Σ dy·x̂` over all ranks for the
    /// input gradient (the scale and shift gradients stay this rank's, to be summed with the others').
    ///
    /// `adding residual` (x's shape) and `relu` fuse a ResNet block's tail, `relu(bn(x) + residual)`, into the
    /// normalisation's pass, with the bits of the separate ops (forward and backward); the residual's gradient
    /// is the ReLU-masked output gradient.
    public static func batchNorm(
        _ x: Tensor, scale: Tensor, shift: Tensor, runningMean: inout Tensor,
        runningVariance: inout Tensor, training: Bool, momentum: Float = 0.1,
        epsilon: Float = 1e-5, group: (any Communicator)? = nil, adding residual: Tensor? = nil, relu: Bool = false
    ) -> Tensor {
        require(x.rank == 2 || x.rank == 4, "batchNorm: input \(x.shape) must be [N, C] or [N, C, H, W]")
        let c = x.shape[1]
        let outer = x.shape[0]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        for (name, t) in [("scale", scale), ("shift", shift), ("runningMean", runningMean), ("runningVariance", runningVariance)] {
            require(t.shape == [c], "batchNorm: \(name) \(t.shape) must be [\(c)] for input \(x.shape)")
        }
        if let residual { require(residual.shape == x.shape, "batchNorm: residual \(residual.shape) must be the input's \(x.shape)") }
        let m = outer * inner
        let inputs = [x, scale, shift] + (residual.map { [$0] } ?? [])
        if x.count == 0 && !training { return emptyResult(x.shape, inputs: inputs) }
        var mean = Tensor(zeros: [c])
        var invStd = Tensor(zeros: [c])
        if training {
            require(m > 1, "batchNorm: training needs more than one value per channel, got input \(x.shape)")
            var variance: Tensor
            (mean, variance) = backend.channelStatistics(x, outer: outer, channels: c, inner: inner)
            var count = m
            if let group, group.isDistributed {
                (mean, variance, count) = combinedStatistics(mean: mean, variance: variance, count: m, over: group)
            }
            let bessel = Float(count) / Float(count - 1)
            runningMean = runningMean.detached
            runningVariance = runningVariance.detached
            backend.runningUpdate(&runningMean, with: mean, momentum: momentum, factor: 1)
            backend.runningUpdate(&runningVariance, with: variance, momentum: momentum, factor: bessel)
            invStd = Tensor(shape: [c], scalars: variance.scalars.map { 1 / ($0 + epsilon).squareRoot() })
        } else {
            mean = runningMean.detached
            invStd = Tensor(shape: [c], scalars: runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() })
        }
        let out = backend.batchNorm(
            x, mean: mean, invStd: invStd, scale: scale, shift: shift, residual: residual?.detached, relu: relu, outer: outer,
            channels: c, inner: inner)
        let xd = x.detached
        let sd = scale.detached
        let savedMean = mean
        let savedInvStd = invStd
        let sums = training ? group.flatMap { $0.isDistributed ? $0 : nil } : nil
        let hasResidual = residual != nil
        return traced(out, inputs: inputs) { gy in
            let g = relu ? backend.map(.reluGradient, gy, out, name: "batchNorm relu") : gy
            let grads = batchNormBackward(g, x: xd, scale: sd, mean: savedMean, invStd: savedInvStd, training: training, summedOver: sums)
            return hasResidual ? grads + [g] : grads
        }
    }

    /// Layer norm over the last `axisCount` dims (size D): `y = (x − μ)/√(σ² + ε)·scale + shift`
    /// per row, biased σ²; `scale`, `shift` have the shape of those last dims (either may be nil).
    /// Gradients for x, scale and shift.
    public func layerNorm(scale: Tensor?, shift: Tensor?, axisCount: Int = 1, epsilon: Float = 1e-5) -> Tensor {
        require(axisCount >= 1 && axisCount <= rank, "layerNorm: axisCount \(axisCount) out of range for input \(shape)")
        let normShape = Shape(Array(shape.dims.suffix(axisCount)))
        if let scale { require(scale.shape == normShape, "layerNorm: scale \(scale.shape) must be \(normShape) for input \(shape)") }
        if let shift { require(shift.shape == normShape, "layerNorm: shift \(shift.shape) must be \(normShape) for input \(shape)") }
        let d = normShape.count
        let rows = d == 0 ? 0 : count / d
        if count == 0 { return Tensor.emptyResult(shape, inputs: [self] + [scale, shift].compactMap { $0 }) }
        let sc = scale?.detached
        let sh = shift?.detached
        let (out, mean, invStd) = Tensor.backend.layerNorm(self, rows: rows, d: d, epsilon: epsilon, scale: sc, shift: sh)
        let x = detached
        let savedMean = mean
        let savedInvStd = invStd
        var inputs = [self]
        if let scale { inputs.append(scale) }
        if let shift { inputs.append(shift) }
        return Tensor.traced(out, inputs: inputs) { gy in
            let (gx, gs, gb) = Tensor.backend.layerNormGradients(
                gy, x: x, rows: rows, d: d, scale: sc, mean: savedMean, invStd: savedInvStd, scaleGradient: sc != nil,
                shiftGradient: sh != nil)
            var grads: [Tensor?] = [gx]
            if sc != nil { grads.append(gs?.reshaped(to: normShape)) }
            if sh != nil { grads.append(gb?.reshaped(to: normShape)) }
            return grads
        }
    }
}

/// Batch norm's backward and SyncBN's collectives (`Tensor.batchNorm` with a group of ranks).
extension Tensor {
    /// The mean and biased variance `[C]` of the union of every rank's batch, from each rank's own and
    /// its value count `m`, and the total count M.
    static func combinedStatistics(mean: Tensor, variance: Tensor, count m: Int, over group: any Communicator) -> (Tensor, Tensor, Int) {
        let c = mean.count
        var counts = [Double](repeating: 0, count: group.size)  // exact beyond Float's 2²⁴
        counts[group.rank] = Double(m)
        group.allReduceSum(&counts)
        let all = group.allGather(mean.scalars + variance.scalars)
        let stride = 2 * c
        let total = counts.reduce(0, +)
        var mu = [Double](repeating: 0, count: c)
        var v = [Double](repeating: 0, count: c)
        for r in 0..<group.size {
            for j in 0..<c { mu[j] += counts[r] * Double(all[r * stride + j]) / total }
        }
        for r in 0..<group.size {
            for j in 0..<c {
                let d = Double(all[r * stride + j]) - mu[j]
                v[j] += counts[r] * (Double(all[r * stride + c + j]) + d * d) / total
            }
        }
        return (Tensor(shape: [c], scalars: mu.map { Float($0) }), Tensor(shape: [c], scalars: v.map { Float($0) }), Int(total))
    }

    /// Batch norm's backward: this process's `Σ dy·x̂` and `Σ dy` (the scale and shift gradients), and the
    /// input gradient from them (`training`: batch statistics) — with SyncBN (`summedOver` a group), from
    /// their sums over all ranks with the global count, while the scale and shift gradients stay this
    /// rank's, to be summed with the others' by the gradient all-reduce.
    static func batchNormBackward(
        _ gy: Tensor, x: Tensor, scale: Tensor, mean: Tensor, invStd: Tensor, training: Bool, summedOver group: (any Communicator)?
    ) -> [Tensor] {
        let c = x.shape[1]
        let outer = x.shape[0]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        let (gs, gb) = backend.batchNormGradientSums(gy, x: x, mean: mean, invStd: invStd, outer: outer, channels: c, inner: inner)
        var sums = gs.scalars + gb.scalars
        var counts = [Double(outer * inner)]  // exact beyond Float's 2²⁴
        group?.allReduceSum(&sums)
        group?.allReduceSum(&counts)
        let sumScale = Array(sums[0..<c])
        let sumShift = Array(sums[c..<(2 * c)])
        let count = Int(counts[0])
        let gx = backend.batchNormInputGradient(
            gy, x: x, mean: mean, invStd: invStd, scale: scale, training: training, sumScale: sumScale, sumShift: sumShift,
            count: count, outer: outer, channels: c, inner: inner)
        return [gx, gs, gb]
    }
}
