import CKernels
import Support

/// Vectorised elementwise loops (sixteen SIMD lanes): memory-bound ops at memory speed. A closure
/// passed through `parallelFor` is called once per element, not inlined; these are direct calls.
public enum Elementwise {
    /// out[i] = op(a[i], b[i]) over `0..<count`; `out` may alias `a` or `b`.
    @inlinable
    public static func apply(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        switch op {
        case .add: binary(a, b, out, count, { $0 + $1 }, { $0 + $1 })
        case .subtract: binary(a, b, out, count, { $0 - $1 }, { $0 - $1 })
        case .multiply: binary(a, b, out, count, { $0 * $1 }, { $0 * $1 })
        case .reluGradient:
            binary(a, b, out, count, { g, y in g.replacing(with: 0, where: .!(y .> 0)) }, { g, y in y > 0 ? g : 0 })
        }
    }

    /// out[i] = max(x[i], 0) over `0..<count` (NaN stays NaN, like PyTorch); `out` may alias `x`.
    @inlinable
    public static func relu(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count n: Int) {
        let zero = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            out[i] = x[i] < 0 ? 0 : x[i]
            i += 1
        }
    }

    /// out[i] = GELU(x[i]) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel), erf by Abramowitz & Stegun 7.1.26
    /// (PyTorch's vectorised CPU erf); `out` may alias `x`. Runs in C (`Sources/CKernels/activation.c`, AVX-512/AVX2 at run
    /// time), the bits of the reference lanes in Tests/KernelsTests/VectorMath.swift.
    public static func gelu(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count n: Int) {
        rtk_gelu(x, out, n)
    }

    /// out[i] = g[i]·(Φ(x[i]) + x[i]·φ(x[i])), the GELU gradient, with φ(x) = e^(−x²/2)/√(2π) (in C, as `gelu`).
    public static func geluGradient(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count n: Int) {
        rtk_gelu_gradient(g, x, out, n)
    }

    @inline(__always) @usableFromInline
    static func binary(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int,
        _ vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, _ scalar: (Float, Float) -> Float
    ) {
        var i = 0
        while i + 16 <= n {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: vector(va, vb), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            out[i] = scalar(a[i], b[i])
            i += 1
        }
    }
}
