import CDataStore

/// One axis's taps in the layout of `rtk_axis_taps` (Sources/CDataStore/include/resample_kernels.h):
/// outputs in output order (mirrored when flipped), padded to a multiple of 8 with zero weights,
/// input indices relative to the first input the axis reads. A class with constant storage: the
/// per-view lookup costs one reference count, not one per array.
final class PackedTaps {
    /// Group bases, then per-output lanes, then per-output first inputs.
    let indices: [Int32]
    /// Per-output first-tap weights, then second-tap weights.
    let weights: [Float]
    /// Number of groups of 8 outputs.
    let groups: Int
    /// Taps per output: 1 or 2.
    let taps: Int
    /// Outputs.
    let count: Int
    /// Inputs read.
    let inputs: Int
    /// Whether every group's first inputs lie within 8 consecutive inputs (the horizontal kernel's
    /// lane permute); the vertical pass does not need it.
    let lanesFit: Bool

    /// Packs `t` (mirrored when `flipped`), or nil when an output reads more than 2 inputs.
    init?(_ t: ResampleTaps, flipped: Bool) {
        guard t.mmax <= 2, t.mmax >= 1 else { return nil }
        let n = t.start.count
        let padded = (n + 7) & ~7
        groups = padded / 8
        taps = t.mmax
        count = n
        inputs = t.maxEnd - t.minStart
        var base = [Int32](repeating: 0, count: groups)
        var lane = [Int32](repeating: 0, count: padded)
        var first = [Int32](repeating: 0, count: padded)
        var w = [Float](repeating: 0, count: 2 * padded)
        for o in 0..<n {
            let i = flipped ? n - 1 - o : o
            first[o] = t.start[i] - Int32(t.minStart)
            w[o] = t.weights[i * t.kmax]
            if t.mmax == 2 { w[padded + o] = t.weights[i * t.kmax + 1] }
        }
        var fit = true
        for g in 0..<groups {
            let lanes = min(8, n - 8 * g)
            var lo = Int32.max
            var hi = Int32.min
            for k in 0..<lanes {
                lo = min(lo, first[8 * g + k])
                hi = max(hi, first[8 * g + k])
            }
            base[g] = lo
            fit = fit && hi - lo <= 7
            for k in 0..<lanes { lane[8 * g + k] = first[8 * g + k] - lo }
        }
        lanesFit = fit
        indices = base + lane + first
        weights = w
    }
}

extension ResampleTaps {
    /// The packed taps (built on first use).
    func packedTaps(flipped: Bool) -> PackedTaps? {
        if flipped {
            if !packedFlippedBuilt {
                packedFlipped = PackedTaps(self, flipped: true)
                packedFlippedBuilt = true
            }
            return packedFlipped
        }
        if !packedBuilt {
            packed = PackedTaps(self, flipped: false)
            packedBuilt = true
        }
        return packed
    }
}

extension Augmenter {
    /// Runs the crop-resize through the C kernel `rtk_resample` when both axes take at most 2 taps
    /// per output and the horizontal taps fit its lane permute (upscaling and identity views):
    /// bit-identical to the Swift passes. `src` points at the first input pixel (row `y0`, column
    /// `xlo` of the window), `readable` bytes from there. Returns false when the kernel does not apply.
    func resampleKernel(
        _ src: UnsafePointer<UInt8>, stride: Int, readable: Int, channels C: Int, tapsY: ResampleTaps, tapsX: ResampleTaps,
        flipped: Bool, verticalFirst: Bool, into dst: UnsafeMutablePointer<Float>, scale a: SIMD4<Float>, offset b: SIMD4<Float>
    ) -> Bool {
        guard useResampleKernel, let py = tapsY.packedTaps(flipped: false), let px = tapsX.packedTaps(flipped: flipped), px.lanesFit else {
            return false
        }
        let need = rtk_resample_scratch(Int32(C), Int32(py.inputs), Int32(px.inputs), Int32(py.count), Int32(px.count))
        if kernelScratch.count < need { kernelScratch = [Float](repeating: 0, count: need) }
        let baseline: Int32 = resampleKernelBaseline ? 1 : 0
        py.indices.withUnsafeBufferPointer { yi in
            py.weights.withUnsafeBufferPointer { yw in
                px.indices.withUnsafeBufferPointer { xi in
                    px.weights.withUnsafeBufferPointer { xw in
                        kernelScratch.withUnsafeMutableBufferPointer { sb in
                            withUnsafeBytes(of: a) { ab in
                                withUnsafeBytes(of: b) { bb in
                                    func axis(_ p: PackedTaps, _ i: UnsafeBufferPointer<Int32>, _ w: UnsafeBufferPointer<Float>) -> rtk_axis_taps {
                                        let padded = 8 * p.groups
                                        return rtk_axis_taps(
                                            group_base: i.baseAddress!, lane: i.baseAddress! + p.groups, first: i.baseAddress! + p.groups + padded,
                                            w0: w.baseAddress!, w1: w.baseAddress! + padded, taps: Int32(p.taps), count: Int32(p.count),
                                            inputs: Int32(p.inputs))
                                    }
                                    var ty = axis(py, yi, yw)
                                    var tx = axis(px, xi, xw)
                                    rtk_resample(
                                        src, stride, readable, Int32(C), &ty, &tx, verticalFirst ? 1 : 0,
                                        ab.baseAddress!.assumingMemoryBound(to: Float.self), bb.baseAddress!.assumingMemoryBound(to: Float.self),
                                        dst, sb.baseAddress!, baseline)
                                }
                            }
                        }
                    }
                }
            }
        }
        return true
    }
}
