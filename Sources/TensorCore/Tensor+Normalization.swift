import Kernels
import Support

/// Batch normalisation (Ioffe & Szegedy 2015) and layer normalisation (Ba et al. 2016), each one
/// fused op with a closed-form backward.
extension Tensor {
    /// Batch norm of `x` `[N, C]` or `[N, C, H, W]` per channel C:
    /// `y = (x − μ)/√(σ² + ε)·scale + shift` with `scale`, `shift` `[C]`. Training uses the batch
    /// mean and biased variance and updates the (untraced) running statistics
    /// `r ← (1 − momentum)·r + momentum·s` with the unbiased batch variance (as PyTorch);
    /// inference uses the running statistics. Gradients for x, scale and shift.
    public static func batchNorm(
        _ x: Tensor, scale: Tensor, shift: Tensor, runningMean: inout Tensor,
        runningVariance: inout Tensor, training: Bool, momentum: Float = 0.1,
        epsilon: Float = 1e-5
    ) -> Tensor {
        require(x.rank == 2 || x.rank == 4, "batchNorm: input \(x.shape) must be [N, C] or [N, C, H, W]")
        let c = x.shape[1]
        let outer = x.shape[0]
        let inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        for (name, t) in [("scale", scale), ("shift", shift), ("runningMean", runningMean), ("runningVariance", runningVariance)] {
            require(t.shape == [c], "batchNorm: \(name) \(t.shape) must be [\(c)] for input \(x.shape)")
        }
        let m = outer * inner
        if x.count == 0 && !training { return emptyResult(x.shape, inputs: [x, scale, shift]) }
        var mean = Tensor(zeros: [c])
        var invStd = Tensor(zeros: [c])
        if training {
            require(m > 1, "batchNorm: training needs more than one value per channel, got input \(x.shape)")
            var variance = Tensor(zeros: [c])
            x.withUnsafeBufferPointer { px in
                mean.withUnsafeMutableBufferPointer { pm in
                    variance.withUnsafeMutableBufferPointer { pv in
                        Normalization.channelStatistics(
                            px.baseAddress!, outer: outer, channels: c, inner: inner,
                            mean: pm.baseAddress!, variance: pv.baseAddress!)
                    }
                }
            }
            let bessel = Float(m) / Float(m - 1)
            let (bm, bv) = (mean.scalars, variance.scalars)
            runningMean = runningMean.detached
            runningVariance = runningVariance.detached
            runningMean.withUnsafeMutableBufferPointer { r in
                for i in 0..<c { r[i] = (1 - momentum) * r[i] + momentum * bm[i] }
            }
            runningVariance.withUnsafeMutableBufferPointer { r in
                for i in 0..<c { r[i] = (1 - momentum) * r[i] + momentum * bv[i] * bessel }
            }
            invStd = Tensor(shape: [c], scalars: bv.map { 1 / ($0 + epsilon).squareRoot() })
        } else {
            mean = runningMean.detached
            invStd = Tensor(shape: [c], scalars: runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() })
        }
        let out = x.withUnsafeBufferPointer { px in
            mean.withUnsafeBufferPointer { pm in
                invStd.withUnsafeBufferPointer { pi in
                    scale.withUnsafeBufferPointer { ps in
                        shift.withUnsafeBufferPointer { pb in
                            Tensor(shape: x.shape) { py in
                                Normalization.batchNormForward(
                                    px.baseAddress!, outer: outer, channels: c, inner: inner,
                                    mean: pm.baseAddress!, invStd: pi.baseAddress!, scale: ps.baseAddress!,
                                    shift: pb.baseAddress!, y: py.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        let xd = x.detached
        let sd = scale.detached
        let savedMean = mean
        let savedInvStd = invStd
        return traced(out, inputs: [x, scale, shift]) { gy in
            var gs = Tensor(zeros: [c])
            var gb = Tensor(zeros: [c])
            let gx = xd.withUnsafeBufferPointer { px in
                gy.withUnsafeBufferPointer { pg in
                    savedMean.withUnsafeBufferPointer { pm in
                        savedInvStd.withUnsafeBufferPointer { pi in
                            sd.withUnsafeBufferPointer { ps in
                                gs.withUnsafeMutableBufferPointer { pgs in
                                    gb.withUnsafeMutableBufferPointer { pgb in
                                        Tensor(shape: xd.shape) { pgx in
                                            Normalization.batchNormBackward(
                                                px.baseAddress!, gradOutput: pg.baseAddress!, outer: outer, channels: c, inner: inner,
                                                mean: pm.baseAddress!, invStd: pi.baseAddress!, scale: ps.baseAddress!, training: training,
                                                gradInput: pgx.baseAddress!, gradScale: pgs.baseAddress!, gradShift: pgb.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [gx, gs, gb]
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
        var mean = Tensor(zeros: [rows])
        var invStd = Tensor(zeros: [rows])
        let sc = scale?.detached
        let sh = shift?.detached
        let out = withUnsafeBufferPointer { px in
            withOptionalPointer(sc) { ps in
                withOptionalPointer(sh) { pb in
                    mean.withUnsafeMutableBufferPointer { pm in
                        invStd.withUnsafeMutableBufferPointer { pi in
                            Tensor(shape: shape) { py in
                                Normalization.layerNormForward(
                                    px.baseAddress!, rows: rows, d: d, epsilon: epsilon, scale: ps, shift: pb,
                                    y: py.baseAddress!, mean: pm.baseAddress!, invStd: pi.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        let x = detached
        let savedMean = mean
        let savedInvStd = invStd
        var inputs = [self]
        if let scale { inputs.append(scale) }
        if let shift { inputs.append(shift) }
        return Tensor.traced(out, inputs: inputs) { gy in
            var gs: Tensor? = sc == nil ? nil : Tensor(zeros: normShape)
            var gb: Tensor? = sh == nil ? nil : Tensor(zeros: normShape)
            let gx = x.withUnsafeBufferPointer { px in
                gy.withUnsafeBufferPointer { pg in
                    withOptionalPointer(sc) { ps in
                        savedMean.withUnsafeBufferPointer { pm in
                            savedInvStd.withUnsafeBufferPointer { pi in
                                withOptionalMutablePointer(&gs) { pgs in
                                    withOptionalMutablePointer(&gb) { pgb in
                                        Tensor(shape: x.shape) { pgx in
                                            Normalization.layerNormBackward(
                                                px.baseAddress!, gradOutput: pg.baseAddress!, rows: rows, d: d, scale: ps,
                                                mean: pm.baseAddress!, invStd: pi.baseAddress!, gradInput: pgx.baseAddress!,
                                                gradScale: pgs, gradShift: pgb)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var grads: [Tensor?] = [gx]
            if sc != nil { grads.append(gs) }
            if sh != nil { grads.append(gb) }
            return grads
        }
    }
}

/// Calls `body` with the tensor's base address, or with nil when there is no tensor.
@inlinable
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafeBufferPointer { body($0.baseAddress) }
}
