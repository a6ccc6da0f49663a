import Support

/// Broadcasting arithmetic with gradients: `+ - * /`, negation.
extension Tensor {
    /// a + b, broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = backend.map(.add, a, b, name: "add")
        return traced(out, inputs: [a, b]) { g in [g.unbroadcast(to: a.shape), g.unbroadcast(to: b.shape)] }
    }
    /// a - b, broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = backend.map(.subtract, a, b, name: "sub")
        return traced(out, inputs: [a, b]) { g in [g.unbroadcast(to: a.shape), (-g).unbroadcast(to: b.shape)] }
    }
    /// a * b, broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = backend.map(.multiply, a, b, name: "mul")
        return traced(out, inputs: [a, b]) { g in
            [
                (g * b.detached).unbroadcast(to: a.shape),
                (g * a.detached).unbroadcast(to: b.shape),
            ]
        }
    }
    /// a / b, broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = backend.map(.divide, a, b, name: "div")
        return traced(out, inputs: [a, b]) { g in
            let bd = b.detached
            return [(g / bd).unbroadcast(to: a.shape), (-(g * out.detached) / bd).unbroadcast(to: b.shape)]
        }
    }
    /// -a.
    public static prefix func - (a: Tensor) -> Tensor {
        let out = backend.map(.negate, a)
        return traced(out, inputs: [a]) { g in [-g] }
    }

    /// a + s.
    public static func + (a: Tensor, s: Float) -> Tensor {
        traced(backend.map(.add(s), a), inputs: [a]) { g in [g] }
    }
    /// s + a.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// a - s.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// s - a.
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }
    /// a * s.
    public static func * (a: Tensor, s: Float) -> Tensor {
        traced(backend.map(.scale(s), a), inputs: [a]) { g in [g * s] }
    }
    /// s * a.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// a / s.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    /// s / a.
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }

    /// In-place a += b (same shape), untraced: for gradient accumulation and optimizer updates.
    public static func += (a: inout Tensor, b: Tensor) {
        require(a.shape == b.shape, "+=: shapes \(a.shape) and \(b.shape) differ")
        backend.addInPlace(&a, b)
    }
}
