import Backbones
import NN
import Support
import TensorCore

/// BYOL's EMA target: a frozen copy of backbone + projector.
public struct BYOLTarget<Model: Backbone>: Layer {
    /// The target backbone.
    public var backbone: Model
    /// The target projector.
    public var projector: ProjectionHead

    /// Visits `backbone.*` and `projector.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("backbone", &backbone)
        visitor.visit("projector", &projector)
    }
}

/// Bootstrap Your Own Latent (Grill et al. 2020). Online: backbone → projector → predictor;
/// target: EMA of backbone + projector with τ rising from τ₀ to 1 on a cosine
/// (τ_k = 1 − (1 − τ₀)(cos(πk/K) + 1)/2), updated after each optimizer step; target BN statistics
/// come from the target's own training-mode forward. Loss: ℓ(q1, sg z2′) + ℓ(q2, sg z1′) with
/// ℓ = 2 − 2cos. An optional online linear probe on detached features (term `probe`).
public struct BYOL<Model: Backbone>: Objective {
    /// The online projector.
    public var projector: ProjectionHead
    /// The online predictor.
    public var predictor: ProjectionHead
    /// The online linear probe on detached features (nil: none).
    public var probe: OnlineProbe?
    /// The EMA target.
    public var target: BYOLTarget<Model>
    /// The EMA schedule (K is set by the runner through `progress.totalSteps`).
    public var baseMomentum: Float

    /// BYOL around `model` (the target starts as a copy of it), with head sizes as in the paper
    /// (projector F→4096→256, predictor 256→4096→256).
    public init(
        model: Model, projectorHidden: Int = 4096, projectorOutput: Int = 256, predictorHidden: Int = 4096,
        headBatchNorm: Bool = true, baseMomentum: Float = 0.996, probeClasses: Int? = nil, rng: inout Philox
    ) {
        projector = ProjectionHead(
            inputCount: model.featureCount, hiddenCount: projectorHidden, outputCount: projectorOutput,
            batchNorm: headBatchNorm, rng: &rng)
        predictor = ProjectionHead(
            inputCount: projectorOutput, hiddenCount: predictorHidden, outputCount: projectorOutput,
            batchNorm: headBatchNorm, rng: &rng)
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        target = BYOLTarget(backbone: model, projector: projector)
        target.freeze()
        self.baseMomentum = baseMomentum
    }

    /// Two views.
    public var viewCount: Int { 2 }

    /// Visits `projector.*`, `predictor.*`, `probe.*` and the frozen `target.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("projector", &projector)
        visitor.visit("predictor", &predictor)
        visitor.visit("probe", &probe)
        visitor.visit("target", &target)
    }

    /// `byol` (symmetric regression loss) and, with a probe and labels, `probe` (cross-entropy of
    /// the probe on detached features of view 1). Metrics: `probe_accuracy`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let views = try batch.views(2, for: "byol")
        // Targets first (no gradient): the loss is then ℓ(q1, z2′) + ℓ(q2, z1′) with constant targets, and
        // view 1's term is differentiated (`backpropagateAhead`) before view 2's forward pass, so only one
        // view's activations are alive at a time (the same gradients up to summation order).
        var z: [Tensor] = []
        var directions: [Tensor] = []
        var features: [Tensor] = []
        var targetContext = Context(training: context.isTraining, rng: context.rng)
        for v in views {
            let f = target.backbone.features(v.detached, context: &targetContext)
            z.append(target.projector.forward(f, context: &targetContext).detached)
        }
        for (i, v) in views.enumerated() {
            let f = model.features(v, context: &context)
            features.append(f.detached)
            let q = predictor.forward(projector.forward(f, context: &context), context: &context)
            let direction = SSLLosses.byolRegression(prediction: q, target: z[1 - i])
            if i == 0 { direction.backpropagateAhead() }
            directions.append(direction)
        }
        let loss = directions[0] + directions[1]
        var terms = [LossTerm("byol", loss)]
        var metrics: [String: Float] = [:]
        probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics)
    }

    /// The EMA update of the target with τ at this step.
    public mutating func afterStep(model: Model, progress: TrainingProgress) {
        let ema = EMA(baseMomentum: baseMomentum, totalSteps: progress.totalSteps, copiesRunningStatistics: false)
        // The k-th update uses τ_{k-1} (solo-learn / official order: step, EMA, then recompute τ).
        ema.update(target: &target, online: BYOLTarget(backbone: model, projector: projector), step: max(progress.step - 1, 0))
    }

    /// τ at `step` of `totalSteps`.
    public func momentum(step: Int, totalSteps: Int) -> Float {
        EMA(baseMomentum: baseMomentum, totalSteps: totalSteps).momentum(at: step)
    }
}
