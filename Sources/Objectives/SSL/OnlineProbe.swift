import Backbones
import NN
import Support
import TensorCore

/// The online linear probe of SSL methods (solo-learn's `classifier`): a linear classifier on
/// detached backbone features, trained beside the method with cross-entropy, so that no gradient of
/// it reaches the backbone. Parameters `layers.0.*` under the owner's `probe.` prefix.
public struct OnlineProbe: Layer {
    /// The linear classifier `[N, F] -> [N, K]`.
    public var head: ProjectionHead

    /// A probe from `featureCount` features to `classCount` classes.
    public init(featureCount: Int, classCount: Int, rng: inout Philox) {
        head = ProjectionHead.linearClassifier(inputCount: featureCount, classCount: classCount, rng: &rng)
    }

    /// Visits the classifier with no extra path component.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("", &head)
    }

    /// Appends the term `probe` (cross-entropy on `features` `[N, F]`, detached) and the metric
    /// `probe_accuracy` when the batch has labels.
    public mutating func addTerm(
        features: Tensor, labels: IntTensor?, context: inout Context,
        to terms: inout [LossTerm], metrics: inout [String: Float]
    ) {
        guard let labels else { return }
        let logits = head.forward(features.detached, context: &context)
        terms.append(LossTerm("probe", Tensor.crossEntropy(logits: logits, labels: labels)))
        metrics["probe_accuracy"] = Metrics.accuracy(logits, labels)
    }
}
