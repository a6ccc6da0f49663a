import Kernels
import Support

/// Batch and layer normalisation on the CPU (`Kernels/Normalization.swift`).
extension CPUBackend {
    /// `Normalization.channelStatistics`.
    public func channelStatistics(_ x: Tensor, outer: Int, channels: Int, inner: Int) -> (mean: Tensor, variance: Tensor) {
        var mean = Tensor(zeros: [channels])
        var variance = Tensor(zeros: [channels])
        x.withUnsafeBufferPointer { px in
            mean.withUnsafeMutableBufferPointer { pm in
                variance.withUnsafeMutableBufferPointer { pv in
                    Normalization.channelStatistics(
                        px.baseAddress!, outer: outer, channels: channels, inner: inner, mean: pm.baseAddress!, variance: pv.baseAddress!)
                }
            }
        }
        return (mean, variance)
    }

    /// `Normalization.batchNormForward`.
    public func batchNorm(
        _ x: Tensor, mean: Tensor, invStd: Tensor, scale: Tensor, shift: Tensor, residual: Tensor?, relu: Bool, outer: Int,
        channels: Int, inner: Int
    ) -> Tensor {
        x.withUnsafeBufferPointer { px in
            mean.withUnsafeBufferPointer { pm in
                invStd.withUnsafeBufferPointer { pi in
                    scale.withUnsafeBufferPointer { ps in
                        shift.withUnsafeBufferPointer { pb in
                            withOptionalPointer(residual) { pr in
                                Tensor(shape: x.shape) { py in
                                    Normalization.batchNormForward(
                                        px.baseAddress!, outer: outer, channels: channels, inner: inner, mean: pm.baseAddress!,
                                        invStd: pi.baseAddress!, scale: ps.baseAddress!, shift: pb.baseAddress!, residual: pr,
                                        relu: relu, y: py.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `Normalization.batchNormGradientSums`.
    public func batchNormGradientSums(
        _ gradOutput: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, outer: Int, channels: Int, inner: Int
    ) -> (scale: Tensor, shift: Tensor) {
        var gs = Tensor(zeros: [channels])
        var gb = Tensor(zeros: [channels])
        x.withUnsafeBufferPointer { px in
            gradOutput.withUnsafeBufferPointer { pg in
                mean.withUnsafeBufferPointer { pm in
                    invStd.withUnsafeBufferPointer { pi in
                        gs.withUnsafeMutableBufferPointer { pgs in
                            gb.withUnsafeMutableBufferPointer { pgb in
                                Normalization.batchNormGradientSums(
                                    px.baseAddress!, gradOutput: pg.baseAddress!, outer: outer, channels: channels, inner: inner,
                                    mean: pm.baseAddress!, invStd: pi.baseAddress!, gradScale: pgs.baseAddress!, gradShift: pgb.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (gs, gb)
    }

    /// `Normalization.batchNormInputGradient`.
    public func batchNormInputGradient(
        _ gradOutput: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, scale: Tensor, training: Bool, sumScale: [Float],
        sumShift: [Float], count: Int, outer: Int, channels: Int, inner: Int
    ) -> Tensor {
        x.withUnsafeBufferPointer { px in
            gradOutput.withUnsafeBufferPointer { pg in
                mean.withUnsafeBufferPointer { pm in
                    invStd.withUnsafeBufferPointer { pi in
                        scale.withUnsafeBufferPointer { ps in
                            Tensor(shape: x.shape) { pgx in
                                Normalization.batchNormInputGradient(
                                    px.baseAddress!, gradOutput: pg.baseAddress!, outer: outer, channels: channels, inner: inner,
                                    mean: pm.baseAddress!, invStd: pi.baseAddress!, scale: ps.baseAddress!, training: training,
                                    sumScale: sumScale, sumShift: sumShift, count: count, gradInput: pgx.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `Normalization.layerNormForward`.
    public func layerNorm(_ x: Tensor, rows: Int, d: Int, epsilon: Float, scale: Tensor?, shift: Tensor?) -> (
        output: Tensor, mean: Tensor, invStd: Tensor
    ) {
        var mean = Tensor(zeros: [rows])
        var invStd = Tensor(zeros: [rows])
        let out = x.withUnsafeBufferPointer { px in
            withOptionalPointer(scale) { ps in
                withOptionalPointer(shift) { pb in
                    mean.withUnsafeMutableBufferPointer { pm in
                        invStd.withUnsafeMutableBufferPointer { pi in
                            Tensor(shape: x.shape) { py in
                                Normalization.layerNormForward(
                                    px.baseAddress!, rows: rows, d: d, epsilon: epsilon, scale: ps, shift: pb,
                                    y: py.baseAddress!, mean: pm.baseAddress!, invStd: pi.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (out, mean, invStd)
    }

    /// `Normalization.layerNormBackward`.
    public func layerNormGradients(
        _ gradOutput: Tensor, x: Tensor, rows: Int, d: Int, scale: Tensor?, mean: Tensor, invStd: Tensor, scaleGradient: Bool,
        shiftGradient: Bool
    ) -> (input: Tensor, scale: Tensor?, shift: Tensor?) {
        let normShape = Shape([d])
        var gs: Tensor? = scaleGradient ? Tensor(zeros: normShape) : nil
        var gb: Tensor? = shiftGradient ? Tensor(zeros: normShape) : nil
        let gx = x.withUnsafeBufferPointer { px in
            gradOutput.withUnsafeBufferPointer { pg in
                withOptionalPointer(scale) { ps in
                    mean.withUnsafeBufferPointer { pm in
                        invStd.withUnsafeBufferPointer { pi in
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
        return (gx, gs, gb)
    }

    /// One loop over the (small) statistic.
    public func runningUpdate(_ r: inout Tensor, with s: Tensor, momentum: Float, factor: Float) {
        let values = s.scalars
        r.withUnsafeMutableBufferPointer { r in
            for i in 0..<r.count { r[i] = (1 - momentum) * r[i] + momentum * values[i] * factor }
        }
    }
}
