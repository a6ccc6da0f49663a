import NN
import Support
import TensorCore

/// One layer of a head, indexed like PyTorch's `nn.Sequential` (ReLU occupies an index).
public enum HeadLayer: TensorLayer {
    /// A linear layer.
    case linear(Linear)
    /// A 1-D BatchNorm.
    case batchNorm(BatchNorm)
    /// ReLU.
    case relu

    /// Visits the wrapped layer's parameters.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        switch self {
        case .linear(var l):
            self = .relu
            l.visitParameters(&visitor)
            self = .linear(l)
        case .batchNorm(var b):
            self = .relu
            b.visitParameters(&visitor)
            self = .batchNorm(b)
        case .relu: break
        }
    }

    /// Applies the layer (the wrapped value is moved out while it runs, so no copies are made).
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        switch self {
        case .linear(let l): return l(input)
        case .batchNorm(var b):
            self = .relu
            let y = b.forward(input, context: &context)
            self = .batchNorm(b)
            return y
        case .relu: return input.relu()
        }
    }
}

/// An MLP head: SimCLR/BYOL/Barlow Twins projectors and BYOL/SimSiam predictors, and the linear
/// classifier (one layer). Hidden layers are `Linear (BN) ReLU`; the last is `Linear` with an
/// optional BN. Parameters are named `layers.<index>.*`.
public struct ProjectionHead: TensorLayer {
    /// The layers in order.
    public var layers: [HeadLayer]
    /// The output width.
    public let outputCount: Int

    /// A head `input -> hidden -> ... -> output` with `layerCount` Linear layers (>= 1).
    /// `batchNorm` puts BN after every hidden Linear (and drops their bias); `lastBatchNorm` adds BN
    /// after the last Linear.
    public init(
        inputCount: Int, hiddenCount: Int, outputCount: Int, layerCount: Int = 2, batchNorm: Bool = true,
        lastBatchNorm: Bool = false, rng: inout Philox
    ) {
        precondition(layerCount >= 1, "ProjectionHead: need at least one layer")
        var layers: [HeadLayer] = []
        var width = inputCount
        for i in 0..<layerCount {
            let last = i == layerCount - 1
            let out = last ? outputCount : hiddenCount
            let norm = last ? lastBatchNorm : batchNorm
            layers.append(.linear(Linear(inputCount: width, outputCount: out, bias: !norm, rng: &rng)))
            if norm { layers.append(.batchNorm(BatchNorm(featureCount: out))) }
            if !last { layers.append(.relu) }
            width = out
        }
        self.layers = layers
        self.outputCount = outputCount
    }

    /// A linear classifier (`layers.0`): features -> class logits.
    public static func linearClassifier(inputCount: Int, classCount: Int, rng: inout Philox) -> ProjectionHead {
        ProjectionHead(inputCount: inputCount, hiddenCount: classCount, outputCount: classCount, layerCount: 1, batchNorm: false, rng: &rng)
    }

    /// Visits `layers.i`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("layers", &layers)
    }

    /// `[N, in] -> [N, out]`.
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        var x = input
        for i in layers.indices { x = layers[i].forward(x, context: &context) }
        return x
    }
}
