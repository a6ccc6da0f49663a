import Support
import TensorCore

/// A fully connected layer `y = x Wᵀ + b`: `[..., in] -> [..., out]`, W `[out, in]` (PyTorch layout).
public struct Linear: TensorLayer {
    /// `[out, in]`.
    public var weight: Parameter
    /// `[out]`, if present.
    public var bias: Parameter?

    /// PyTorch's default initialisation: kaiming uniform (a = sqrt(5)) weight, U(±1/sqrt(in)) bias.
    public init(inputCount: Int, outputCount: Int, bias: Bool = true, rng: inout Philox) {
        weight = Parameter(Initializer.kaimingUniform([outputCount, inputCount], fanIn: inputCount, rng: &rng), role: .weight)
        self.bias = bias ? Parameter(Initializer.defaultBias([outputCount], fanIn: inputCount, rng: &rng), role: .bias) : nil
    }

    /// A layer with the given values.
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = Parameter(weight, role: .weight)
        self.bias = bias.map { Parameter($0, role: .bias) }
    }

    /// The input feature count.
    public var inputCount: Int { weight.shape[1] }
    /// The output feature count.
    public var outputCount: Int { weight.shape[0] }

    /// Visits `weight`, `bias`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("weight", &weight)
        visitor.visit("bias", &bias)
    }

    /// `[..., in] -> [..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape[-1] == inputCount, "Linear: input \(x.shape) has \(x.shape[-1]) features, expected \(inputCount)")
        let flat = x.rank == 2 ? x : x.reshaped(to: [x.count / inputCount, inputCount])
        let y = Tensor.linear(flat, weight: weight.value, bias: bias?.value)
        return x.rank == 2 ? y : y.reshaped(to: Shape(x.shape.dims.dropLast() + [outputCount]))
    }

    /// `[..., in] -> [..., out]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor { self(input) }
}
