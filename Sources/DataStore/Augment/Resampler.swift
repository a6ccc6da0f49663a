/// Separable resampling taps with PIL/torchvision antialiasing: a triangle (bilinear) filter whose
/// support grows with the downscale factor, centred on half-pixel positions, clamped to the input
/// and renormalised (torchvision `resize(antialias=True)` and Pillow's BILINEAR).
struct ResampleTaps {
    var start: [Int32] = []
    var count: [Int32] = []
    var weights: [Float] = []
    var kmax = 0

    /// Fills the taps mapping `inSize` input pixels onto `outSize` outputs.
    mutating func compute(inSize: Int, outSize: Int) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filterScale
        kmax = Int(support.rounded(.up)) * 2 + 1
        start.removeAll(keepingCapacity: true)
        count.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        weights.reserveCapacity(outSize * kmax)
        let inv = 1 / filterScale
        for x in 0..<outSize {
            let center = (Double(x) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inSize)
            let base = weights.count
            for _ in 0..<kmax { weights.append(0) }
            var total: Float = 0
            for k in 0..<(hi - lo) {
                let t = abs((Double(k + lo) - center + 0.5) * inv)
                let v = Float(t < 1 ? 1 - t : 0)
                weights[base + k] = v
                total += v
            }
            if total == 0 { weights[base] = 1; total = 1 }
            for k in 0..<kmax { weights[base + k] /= total }
            start.append(Int32(lo))
            count.append(Int32(max(hi - lo, 1)))
        }
    }
}
