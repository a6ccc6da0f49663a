import Backbones
import NN
import Support
import TensorCore

/// SimSiam (Chen & He 2021): backbone → projector (`Linear BN ReLU Linear BN ReLU Linear BN`) →
/// predictor (`Linear BN ReLU Linear`), and the symmetric negative cosine with a stop-gradient on
/// the projections: −½(cos(p1, sg z2) + cos(p2, sg z1)) (`SSLLosses.simsiam`, facebookresearch/simsiam).
/// No target network and no negatives; the paper trains the predictor at a fixed learning rate
/// (an `optimizer.groups` entry with `schedule: {name: constant}` in the recipes). An optional online
/// linear probe on detached features (term `probe`).
public struct SimSiam<Model: Backbone>: Objective {
    /// The projector `[N, F] -> [N, D]`.
    public var projector: ProjectionHead
    /// The predictor `[N, D] -> [N, D]`.
    public var predictor: ProjectionHead
    /// The online linear probe on detached features (nil: none).
    public var probe: OnlineProbe?

    /// SimSiam around `model`: projector `F → hidden → hidden → out` with BN on every layer, predictor
    /// `out → predictorHidden → out` (the paper: 2048 and a 512 bottleneck).
    public init(
        model: Model, projectorHidden: Int = 2048, projectorOutput: Int = 2048, predictorHidden: Int = 512,
        probeClasses: Int? = nil, rng: inout Philox
    ) {
        projector = ProjectionHead(
            inputCount: model.featureCount, hiddenCount: projectorHidden, outputCount: projectorOutput,
            layerCount: 3, batchNorm: true, lastBatchNorm: true, rng: &rng)
        predictor = ProjectionHead(
            inputCount: projectorOutput, hiddenCount: predictorHidden, outputCount: projectorOutput,
            batchNorm: true, rng: &rng)
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
    }

    /// Two views.
    public var viewCount: Int { 2 }

    /// Visits `projector.*`, `predictor.*` and `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("projector", &projector)
        visitor.visit("predictor", &predictor)
        visitor.visit("probe", &probe)
    }

    /// `simsiam` and, with a probe and labels, `probe`. Metrics: `probe_accuracy` and `z_std`, the
    /// mean per-dimension standard deviation of the normalised projections (≈ 1/√D when healthy,
    /// → 0 at collapse, the paper's collapse monitor).
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let views = try batch.views(2, for: "simsiam")
        var p: [Tensor] = []
        var z: [Tensor] = []
        var features: [Tensor] = []
        for v in views {
            let f = model.features(v, context: &context)
            features.append(f)
            let zi = projector.forward(f, context: &context)
            z.append(zi)
            p.append(predictor.forward(zi, context: &context))
        }
        var terms = [LossTerm("simsiam", SSLLosses.simsiam(predictions: (p[0], p[1]), targets: (z[0], z[1])))]
        var metrics = ["z_std": SimSiam.collapseMonitor(z[0])]
        probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics)
    }

    /// The mean over dimensions of the batch standard deviation of `z / ‖z‖` `[N, D]`.
    static func collapseMonitor(_ z: Tensor) -> Float {
        let n = z.detached.l2Normalized(alongAxis: 1, epsilon: 1e-12)
        let centred = n - n.mean(alongAxes: [0])
        return (centred * centred).mean(alongAxes: [0]).sqrt().mean().scalar
    }
}
