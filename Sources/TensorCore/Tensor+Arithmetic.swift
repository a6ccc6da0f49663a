import Support

/// Broadcasting arithmetic with gradients: `+ - * /`, negation.
extension Tensor {
    /// a + b, broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = zipMap(a, b, kernel: .add, name: "add") { $0 + $1 }
        return traced(out, inputs: [a, b]) { g in [g.unbroadcast(to: a.shape), g.unbroadcast(to: b.shape)] }
    }
    /// a - b, broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = zipMap(a, b, kernel: .subtract, name: "sub") { $0 - $1 }
        return traced(out, inputs: [a, b]) { g in [g.unbroadcast(to: a.shape), (-g).unbroadcast(to: b.shape)] }
    }
    /// a * b, broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = zipMap(a, b, kernel: .multiply, name: "mul") { $0 * $1 }
        return traced(out, inputs: [a, b]) { g in
            [
                (g * b.detached).unbroadcast(to: a.shape),
                (g * a.detached).unbroadcast(to: b.shape),
            ]
        }
    }
    /// a / b, broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = zipMap(a, b, op: "div") { $0 / $1 }
        return traced(out, inputs: [a, b]) { g in
            let bd = b.detached
            return [(g / bd).unbroadcast(to: a.shape), (-(g * out.detached) / bd).unbroadcast(to: b.shape)]
        }
    }
    /// -a.
    public static prefix func - (a: Tensor) -> Tensor {
        let out = a.map { -$0 }
        return traced(out, inputs: [a]) { g in [-g] }
    }

    /// a + s.
    public static func + (a: Tensor, s: Float) -> Tensor {
        traced(a.map { $0 + s }, inputs: [a]) { g in [g] }
    }
    /// s + a.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// a - s.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// s - a.
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }
    /// a * s.
    public static func * (a: Tensor, s: Float) -> Tensor {
        traced(a.map { $0 * s }, inputs: [a]) { g in [g * s] }
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
