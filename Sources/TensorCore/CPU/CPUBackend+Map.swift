import Foundation
import Support

/// Elementwise maps on the CPU: one specialised loop per op (`Tensor.map`, `Tensor.zipMap`), the
/// vectorised kernels for the four binary ops that have one.
extension CPUBackend {
    /// `op` on every element, in parallel chunks.
    public func map(_ op: ElementOp, _ x: Tensor) -> Tensor {
        switch op {
        case .negate: return x.map { -$0 }
        case .add(let s): return x.map { $0 + s }
        case .scale(let s): return x.map { $0 * s }
        case .exp: return x.map { Foundation.exp($0) }
        case .log: return x.map { Foundation.log($0) }
        case .sqrt: return x.map { $0.squareRoot() }
        case .pow(let p): return x.map { Foundation.pow($0, p) }
        case .powDerivative(let p): return x.map { p * Foundation.pow($0, p - 1) }
        case .square: return x.map { $0 * $0 }
        case .abs: return x.map { Swift.abs($0) }
        case .sign: return x.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case .clamp(let lo, let hi): return x.map { Swift.min(Swift.max($0, lo), hi) }
        case .inside(let lo, let hi): return x.map { $0 >= lo && $0 <= hi ? 1 : 0 }
        case .sigmoid: return x.map { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: return x.map { Foundation.tanh($0) }
        case .softplus: return x.map { $0 > 0 ? $0 + Foundation.log1p(Foundation.exp(-$0)) : Foundation.log1p(Foundation.exp($0)) }
        case .geluTanh:
            let c: Float = 0.7978845608028654
            return x.map { v in 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v))) }
        case .xLogX: return x.map { $0 > 0 ? $0 * Foundation.log($0) : 0 }
        case .xLogXDerivative: return x.map { $0 > 0 ? Foundation.log($0) + 1 : 0 }
        }
    }

    /// `op(a, b)` with broadcasting: the vectorised kernel for add, subtract, multiply and the ReLU
    /// gradient, else one specialised loop per op.
    public func map(_ op: PairOp, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
        switch op {
        case .add: return Tensor.zipMap(a, b, kernel: .add, name: name) { $0 + $1 }
        case .subtract: return Tensor.zipMap(a, b, kernel: .subtract, name: name) { $0 - $1 }
        case .multiply: return Tensor.zipMap(a, b, kernel: .multiply, name: name) { $0 * $1 }
        case .reluGradient: return Tensor.zipMap(a, b, kernel: .reluGradient, name: name) { $1 > 0 ? $0 : 0 }
        case .divide: return Tensor.zipMap(a, b, op: name) { $0 / $1 }
        case .sigmoidGradient: return Tensor.zipMap(a, b, op: name) { $0 * $1 * (1 - $1) }
        case .tanhGradient: return Tensor.zipMap(a, b, op: name) { $0 * (1 - $1 * $1) }
        case .softplusGradient: return Tensor.zipMap(a, b, op: name) { $0 / (1 + Foundation.exp(-$1)) }
        case .geluTanhGradient:
            let c: Float = 0.7978845608028654
            return Tensor.zipMap(a, b, op: name) { g, v in
                let u = c * (v + 0.044715 * v * v * v)
                let t = Foundation.tanh(u)
                let du = c * (1 + 3 * 0.044715 * v * v)
                return g * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du)
            }
        case .equal: return Tensor.zipMap(a, b, op: name) { $0 == $1 ? 1 : 0 }
        case .expDifference: return Tensor.zipMap(a, b, op: name) { Foundation.exp($0 - $1) }
        case .fill(let value): return Tensor.zipMap(a, b, op: name) { $1 != 0 ? value : $0 }
        case .keepWhereNonzero: return Tensor.zipMap(a, b, op: name) { $1 != 0 ? $0 : 0 }
        case .keepWhereZero: return Tensor.zipMap(a, b, op: name) { $1 != 0 ? 0 : $0 }
        case .first: return Tensor.zipMap(a, b, op: name) { x, _ in x }
        }
    }
}
