/// The reference arithmetic of the C kernels' exp and erf (`Sources/CKernels/activation.c` mirrors it one to one,
/// and the tests hold its GELU and softmax to these bits): transcendental functions on four lanes, as the Swift
/// elementwise kernels computed them before GELU moved to C. Four lanes = one SSE register of the baseline x86-64
/// target.
enum VectorMath {
    /// The lane vector of these functions.
    typealias Lanes = SIMD4<Float>
    /// Integer lanes of the same width.
    typealias IntLanes = SIMD4<Int32>
    /// Bit-pattern lanes of the same width.
    typealias BitLanes = SIMD4<UInt32>

    /// e^x: Cephes `expf` (range reduction by ln 2 split in two, degree-6 polynomial, 2^n from the
    /// exponent bits); within 2 ulp of libm on [-87, 88]. Inputs are clamped to [-87.3, 88.7].
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let x = x.clamped(lowerBound: Lanes(repeating: -87.3), upperBound: Lanes(repeating: 88.7))
        let magic = Lanes(repeating: 12_582_912)  // 1.5·2^23: adding it rounds to an integer
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let k = unsafeBitCast(t, to: IntLanes.self) &- 0x4B40_0000
        return y * unsafeBitCast((k &+ 127) &<< 23, to: Lanes.self)
    }

    /// erf(x) by Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), the approximation PyTorch's
    /// vectorised CPU `erf` (and so its exact GELU) uses.
    @inline(__always)
    static func erf(_ x: Lanes) -> Lanes {
        let a = abs(x)
        let t = 1 / (a * 0.327_591_1 + 1)
        var r = t * 1.061_405_429 - 1.453_152_027
        r = r * t + 1.421_413_741
        r = r * t - 0.284_496_736
        r = r * t + 0.254_829_592
        let y = 1 - r * t * exp(-(x * x))
        return y.replacing(with: -y, where: x .< 0)
    }

    /// |x| per lane.
    @inline(__always)
    static func abs(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: BitLanes.self) & 0x7FFF_FFFF, to: Lanes.self)
    }
}
