import NN
import TensorCore

/// What an image backbone computes in one pass: pooled features and per-stage feature maps.
public struct BackboneOutput {
    /// Pooled features `[N, featureCount]`.
    public var features: Tensor
    /// Per-stage outputs, shallow to deep (ResNet: `[N, C_s, H_s, W_s]` after each stage; ViT:
    /// patch tokens after each block as `[N, D, h, w]`).
    public var intermediates: [Tensor]
    /// An output.
    public init(features: Tensor, intermediates: [Tensor]) {
        self.features = features
        self.intermediates = intermediates
    }
}

/// An image backbone `[N, C, H, W] -> [N, featureCount]` with per-stage intermediates; `forward`
/// applies the classifier head if the backbone has one (otherwise it returns the features).
/// Objectives take any backbone through this protocol.
public protocol Backbone: TensorLayer {
    /// The pooled feature width.
    var featureCount: Int { get }
    /// Runs the trunk once, returning pooled features and per-stage intermediates.
    mutating func extract(_ input: Tensor, context: inout Context) -> BackboneOutput
    /// The classifier head applied to pooled features `[N, featureCount] -> [N, classes]`, or nil
    /// when the backbone has no classifier (so features and logits need one trunk pass).
    func classify(_ features: Tensor) -> Tensor?
}

extension Backbone {
    /// Pooled features `[N, featureCount]`.
    public mutating func features(_ input: Tensor, context: inout Context) -> Tensor {
        extract(input, context: &context).features
    }

    /// Per-stage feature maps, shallow to deep.
    public mutating func intermediates(_ input: Tensor, context: inout Context) -> [Tensor] {
        extract(input, context: &context).intermediates
    }
}
