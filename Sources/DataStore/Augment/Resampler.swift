/// Separable resampling taps with PIL/torchvision antialiasing: a triangle (bilinear) filter whose
/// support grows with the downscale factor, centred on half-pixel positions, clamped to the input
/// and renormalised (torchvision `resize(antialias=True)` and Pillow's BILINEAR). A class: the
/// augmenter's tables are shared by reference (a copy of five arrays per axis and view costs
/// measurable retain/release traffic at ~1 µs per view).
final class ResampleTaps {
    /// First input index per output.
    var start: [Int32] = []
    /// Inputs per output (trailing weights up to `kmax` are zero).
    var count: [Int32] = []
    /// `kmax` weights per output, zero-padded.
    var weights: [Float] = []
    /// `weights`, each splatted to 4 lanes (the RGB horizontal pass multiplies whole pixels).
    var weights4: [SIMD4<Float>] = []
    /// The weight stride per output.
    var kmax = 0
    /// The largest `count`: kernels may always run `mmax` taps (the extra weights are zero).
    var mmax = 0
    /// The smallest `start` and the largest `start + count`: the inputs the taps read.
    var minStart = 0, maxEnd = 0
    /// The taps packed for the C kernel, unflipped and flipped (built on first use; nil when the
    /// kernel does not apply), and whether they were built.
    var packed: PackedTaps? = nil, packedFlipped: PackedTaps? = nil
    var packedBuilt = false, packedFlippedBuilt = false

    /// Fills the taps mapping the input span [start, start + length) onto `outSize` outputs; taps
    /// are absolute input indices clamped to [lo, hi) (the crop box, so edges behave like
    /// torchvision's crop-then-resize).
    func compute(start origin: Double, length: Double, lo clampLo: Int, hi clampHi: Int, outSize: Int) {
        let scale = length / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filterScale
        kmax = Int(support.rounded(.up)) * 2 + 1
        start.removeAll(keepingCapacity: true)
        count.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        weights.reserveCapacity(outSize * kmax)
        mmax = 0
        minStart = Int.max
        maxEnd = Int.min
        packed = nil
        packedFlipped = nil
        packedBuilt = false
        packedFlippedBuilt = false
        let inv = 1 / filterScale
        for x in 0..<outSize {
            let center = origin + (Double(x) + 0.5) * scale
            let lo = max(Int((center - support + 0.5).rounded(.down)), clampLo)
            let hi = max(min(Int((center + support + 0.5).rounded(.down)), clampHi), lo + 1)
            let base = weights.count
            for _ in 0..<kmax { weights.append(0) }
            var total: Float = 0
            for k in 0..<(hi - lo) {
                let t = abs((Double(k + lo) - center + 0.5) * inv)
                let v = Float(t < 1 ? 1 - t : 0)
                weights[base + k] = v
                total += v
            }
            if total == 0 {
                weights[base] = 1
                total = 1
            }
            for k in 0..<kmax { weights[base + k] /= total }
            // Drop exact-zero taps at both ends (e.g. the second tap at scale 1).
            var first = 0
            var m = hi - lo
            while m > 1 && weights[base + m - 1] == 0 { m -= 1 }
            while m > 1 && weights[base + first] == 0 {
                first += 1
                m -= 1
            }
            if first > 0 { for k in 0..<kmax { weights[base + k] = k + first < kmax ? weights[base + k + first] : 0 } }
            start.append(Int32(lo + first))
            count.append(Int32(m))
            mmax = max(mmax, m)
            minStart = min(minStart, lo + first)
            maxEnd = max(maxEnd, lo + first + m)
        }
        weights4.removeAll(keepingCapacity: true)
        for w in weights { weights4.append(SIMD4(repeating: w)) }
    }
}
