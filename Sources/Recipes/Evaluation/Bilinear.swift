/// Bilinear resampling taps along one axis, as PyTorch's `interpolate(mode="bilinear",
/// align_corners=False)`: output `o` reads input `s = max((o + ½)·in/out − ½, 0)` between
/// `lo = ⌊s⌋` and `hi = min(lo + 1, in − 1)` with weight `t = s − lo` on `hi`.
public struct Bilinear: Sendable {
    /// Per output position: the two input positions and the weight on `hi`.
    public var taps: [(lo: Int, hi: Int, t: Float)]

    /// The taps from `input` to `output` positions.
    public init(input: Int, output: Int) {
        let scale = Float(input) / Float(output)
        taps = (0..<output).map { o in
            let s = max((Float(o) + 0.5) * scale - 0.5, 0)
            let lo = min(Int(s), input - 1)
            let hi = min(lo + 1, input - 1)
            return (lo, hi, lo == hi ? 0 : s - Float(lo))
        }
    }
}
