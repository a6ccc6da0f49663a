import NN
import Support
import TensorCore

/// MEAL V2's discriminator (`models/discriminator.py::Discriminator`): three 1×1 convolutions over
/// logits seen as `[R, C, 1, 1]`, each followed by a ReLU (the last one too, a quirk of the
/// reference), i.e. `relu(W3 relu(W2 relu(W1 x)))` on rows `x` `[R, C]`, widths C → C/k → C/k² → 2
/// (k = 8 in the reference: 1000 → 125 → 15 → 2). A 1×1 convolution on a 1×1 map is a linear layer,
/// so the weights are `[out, in]` (PyTorch's `[out, in, 1, 1]` without the unit axes), paths `conv1..3`.
public struct MEALV2Discriminator: Layer {
    /// C → C/k.
    public var conv1: Linear
    /// C/k → C/k².
    public var conv2: Linear
    /// C/k² → 2.
    public var conv3: Linear

    /// A discriminator for `classCount` logits with width reduction `reduction` per layer (C/k² ≥ 1).
    public init(classCount c: Int, reduction k: Int, rng: inout Philox) {
        let h1 = c / k
        let h2 = h1 / k
        require(k >= 1 && h2 >= 1, "MEALV2Discriminator: \(c) classes / \(k) / \(k) leaves no hidden unit")
        conv1 = Linear(inputCount: c, outputCount: h1, rng: &rng)
        conv2 = Linear(inputCount: h1, outputCount: h2, rng: &rng)
        conv3 = Linear(inputCount: h2, outputCount: 2, rng: &rng)
    }

    /// The three layers under the reference's names.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("conv1", &conv1)
        visitor.visit("conv2", &conv2)
        visitor.visit("conv3", &conv3)
    }

    /// `[R, C]` logits → `[R, 2]` (after the final ReLU).
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        conv3(conv2(conv1(input).relu()).relu()).relu()
    }
}
