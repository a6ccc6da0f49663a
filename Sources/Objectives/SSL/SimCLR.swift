import Backbones
import NN
import Support
import TensorCore

/// SimCLR (Chen et al. 2020): backbone → projector (`Linear BN ReLU Linear`, solo-learn's CIFAR
/// projector), and NT-Xent over the 2N projections of two views at temperature τ: each anchor's
/// positive is the other view of its sample, the 2N − 2 other projections are its negatives
/// (`ContrastiveLosses.ntXent`, solo-learn `simclr_loss_func`). An optional online linear probe
/// on detached features (term `probe`). In a data-parallel run the negatives are every rank's
/// projections (gathered, with gradients).
public struct SimCLR<Model: Backbone>: Objective {
    /// The projector `[N, F] -> [N, out]`.
    public var projector: ProjectionHead
    /// The online linear probe on detached features (nil: none).
    public var probe: OnlineProbe?
    /// τ.
    public var temperature: Float

    /// SimCLR around `model` with a projector `F → hidden → out`.
    public init(
        model: Model, projectorHidden: Int = 2048, projectorOutput: Int = 128, temperature: Float = 0.1,
        probeClasses: Int? = nil, rng: inout Philox
    ) {
        projector = ProjectionHead(
            inputCount: model.featureCount, hiddenCount: projectorHidden, outputCount: projectorOutput,
            batchNorm: true, rng: &rng)
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        self.temperature = temperature
    }

    /// Two views.
    public var viewCount: Int { 2 }

    /// Visits `projector.*` and `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("projector", &projector)
        visitor.visit("probe", &probe)
    }

    /// `simclr` (NT-Xent of the two views' projections) and, with a probe and labels, `probe`.
    /// Metrics: `probe_accuracy`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let views = try batch.views(2, for: "simclr")
        var z: [Tensor] = []
        var features: [Tensor] = []
        for v in views {
            let f = model.features(v, context: &context)
            features.append(f)
            z.append(projector.forward(f, context: &context))
        }
        var terms = [LossTerm("simclr", ContrastiveLosses.ntXent(z[0], z[1], temperature: temperature, group: context.trainingGroup))]
        var metrics: [String: Float] = [:]
        probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics)
    }
}
