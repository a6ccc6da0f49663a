import Foundation

/// Philox4x32-10, the counter-based generator of Salmon et al. (SC'11) used by cuRAND, JAX and
/// PyTorch's CUDA generator. A stream is keyed by a 64-bit seed and a 64-bit stream id (for
/// example a hash of (epoch, sample, view)); the counter walks within it. Draws are a pure function
/// of (seed, stream, position), so any worker can reproduce any draw.
public struct Philox: Sendable {
    /// The 64-bit key (seed).
    public let seed: UInt64
    /// The 64-bit stream id (the high half of the counter).
    public let stream: UInt64
    /// The next block index (the low half of the counter).
    public private(set) var position: UInt64 = 0
    private var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var used = 4

    /// A generator for (seed, stream), starting at position 0.
    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
    }

    /// A generator for a stream keyed by several ids, e.g. `Philox(seed: s, keys: [epoch, sample, view])`.
    public init(seed: UInt64, keys: [UInt64]) {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for k in keys { h = Philox.mix(h ^ Philox.mix(k &+ 0x632B_E59B_D9B4_E019)) }
        self.init(seed: seed, stream: h)
    }

    /// SplitMix64's finaliser: a bijective 64-bit mix.
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The four 32-bit outputs of the Philox4x32-10 block for counter (c0..c3) and key (k0, k1).
    public static func block(counter c: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = c
        var (k0, k1) = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
            let n1 = UInt32(truncatingIfNeeded: p1)
            let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
            let n3 = UInt32(truncatingIfNeeded: p0)
            (c0, c1, c2, c3) = (n0, n1, n2, n3)
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// The next 32 random bits.
    public mutating func next() -> UInt32 {
        if used == 4 {
            buffer = Philox.block(
                counter: (
                    UInt32(truncatingIfNeeded: position), UInt32(truncatingIfNeeded: position >> 32),
                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)
                ),
                key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            position &+= 1
            used = 0
        }
        defer { used += 1 }
        switch used {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        default: return buffer.3
        }
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 8) * (1.0 / 16_777_216.0) }
    /// A uniform Float in [lo, hi).
    public mutating func nextUniform(in lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * nextUniform() }
    /// A uniform integer in 0..<n (n > 0), by Lemire's multiply-shift (negligible bias for n << 2^32).
    public mutating func nextInt(below n: Int) -> Int {
        require(n > 0, "nextInt(below:) needs n > 0")
        return Int((UInt64(next()) &* UInt64(n)) >> 32)
    }
    /// A standard normal Float (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(nextUniform(), 1e-12)
        let u2 = nextUniform()
        return (-2 * _logf(u1)).squareRoot() * _cosf(2 * .pi * u2)
    }
}

@inline(__always) private func _logf(_ x: Float) -> Float { Float(log(Double(x))) }
@inline(__always) private func _cosf(_ x: Float) -> Float { Float(cos(Double(x))) }
