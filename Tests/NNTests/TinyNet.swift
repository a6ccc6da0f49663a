import NN
import Support
import TensorCore

/// A small model: conv, BN, ReLU, global pool, linear (used by checkpoint and training-step tests).
struct TinyNet: TensorLayer {
    var conv: Conv2D
    var bn: BatchNorm
    var head: Linear

    init(seed: UInt64 = 1) {
        var rng = Philox(seed: seed)
        conv = Conv2D(inputChannels: 2, outputChannels: 4, kernel: 3, padding: 1, bias: false, rng: &rng)
        bn = BatchNorm(featureCount: 4)
        head = Linear(inputCount: 4, outputCount: 3, rng: &rng)
    }

    mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv", &conv)
        visitor.visit("bn", &bn)
        visitor.visit("head", &head)
    }

    mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        head(bn.forward(conv(input), context: &context).relu().globalAveragePool())
    }
}
