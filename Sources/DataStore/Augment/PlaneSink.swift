/// Where the last colour op of a view writes: `out` ([C][n] planes) as (v - mean[c]) * invStd[c].
struct PlaneSink {
    /// The view's output planes.
    let out: UnsafeMutablePointer<Float>
    /// Per-channel mean (lanes 0..<C).
    let mean: SIMD4<Float>
    /// Per-channel 1 / std.
    let invStd: SIMD4<Float>
}
