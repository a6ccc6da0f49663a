import Support

/// Inverted dropout (Srivastava et al. 2014).
extension Tensor {
    /// In training, zeroes each element with probability `p` and scales the survivors by
    /// 1/(1 − p), so the expectation is unchanged; the mask comes from `rng` (one draw per element,
    /// in row-major order). In inference (or p = 0) it is the identity. Shape `[*] -> [*]`.
    public func dropout(probability p: Float, rng: inout Philox, training: Bool) -> Tensor {
        require(p >= 0 && p <= 1, "dropout: probability \(p) must be in [0, 1] (input \(shape))")
        if !training || p == 0 || count == 0 { return self }
        let n = count
        let keep = 1 - p
        let scale: Float = keep > 0 ? 1 / keep : 0
        var maskValues = [Float](repeating: 0, count: n)
        for i in 0..<n where rng.nextUniform() >= p { maskValues[i] = scale }
        let mask = Tensor(shape: shape, scalars: maskValues)
        let out = Tensor.backend.map(.multiply, detached, mask, name: "dropout")
        return Tensor.traced(out, inputs: [self]) { g in [Tensor.backend.map(.multiply, g, mask, name: "dropout")] }
    }
}
