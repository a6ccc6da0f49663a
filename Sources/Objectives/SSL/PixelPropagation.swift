import Backbones
import NN
import Support
import TensorCore

/// PixPro's pixel propagation module (`PixPro.featprop`): each pixel's output is the sum of all
/// pixels' transformed values weighted by their clamped, sharpened cosine similarity to it,
/// `y_i = Σ_j max(cos(x_i, x_j), clamp)^γ · l2n(g(x)_j)` (`PixProLosses.propagate`), with the value
/// transform g of 0 (identity), 1 (1×1 conv) or 2 (MLP2d C→C→C) layers. `[N, C, H, W] -> [N, C, H, W]`,
/// not normalised. Parameters `value_transform.*`.
public struct PixelPropagation: TensorLayer {
    /// The value transform: nil (identity), a 1×1 convolution, or an MLP2d.
    public var conv: Conv2D?
    /// The two-layer value transform.
    public var mlp: MLP2d?
    /// The sharpness γ.
    public let gamma: Float
    /// The lower clamp of the similarities (0 in the reference).
    public let clamp: Float

    /// A module on `channels`-wide maps with a value transform of `transformLayers` (0, 1 or 2) layers.
    public init(channels: Int, transformLayers: Int, gamma: Float, clamp: Float = 0, rng: inout Philox) {
        precondition((0...2).contains(transformLayers), "PixelPropagation: transform layers \(transformLayers), want 0, 1 or 2")
        precondition(gamma > 0, "PixelPropagation: gamma \(gamma) must be > 0")
        if transformLayers == 1 { conv = Conv2D(inputChannels: channels, outputChannels: channels, kernel: 1, rng: &rng) }
        if transformLayers == 2 { mlp = MLP2d(inputChannels: channels, innerChannels: channels, outputChannels: channels, rng: &rng) }
        self.gamma = gamma
        self.clamp = clamp
    }

    /// Visits `value_transform.*` (the conv's `weight`/`bias`, or the MLP's `linear1`, `bn1`, `linear2`).
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("value_transform", &conv)
        visitor.visit("value_transform", &mlp)
    }

    /// `[N, C, H, W] -> [N, C, H, W]` (before the final normalisation).
    public mutating func forward(_ input: Tensor, context: inout Context) -> Tensor {
        var values = input
        if let conv { values = conv(input) }
        if mlp != nil { values = mlp!.forward(input, context: &context) }
        return PixProLosses.propagate(features: input, values: values, gamma: gamma, clamp: clamp)
    }
}
