import Backbones
import NN
import Support
import TensorCore

/// PixPro's momentum branch: an EMA copy of the backbone, the pixel projector and, with the
/// instance branch, the instance projector (`encoder_k`, `projector_k`, `projector_instance_k`).
public struct PixProTarget<Model: Backbone>: Layer {
    /// The key backbone.
    public var backbone: Model
    /// The key pixel projector.
    public var projector: MLP2d
    /// The key instance projector (instance branch only).
    public var instanceProjector: MLP2d?

    /// Visits `backbone.*`, `projector.*`, `instance_projector.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("backbone", &backbone)
        visitor.visit("projector", &projector)
        visitor.visit("instance_projector", &instanceProjector)
    }
}

/// Pixel-level consistency (Xie et al. 2021, zdaxie/PixPro `contrast/models/PixPro.py`).
///
/// Per view: the backbone's last-stage map `[N, C5, h, w]` (ResNet C5, where `model.last_stride: 1`
/// doubles h and w; a ViT's last block's patch tokens as a map) → `projector` (MLP2d C5 → hidden
/// → D) → `propagation` (the pixel propagation module) = the query map ŷ; the momentum branch
/// gives the key map x = projector_k(backbone_k(view)).
/// Loss `pixpro` = `PixProLosses.consistency(ŷ1, ŷ2, x1, x2, box1, box2, threshold)`, the boxes
/// being the crop boxes the loader recorded for the two views (`TrainingBatch.viewInfo`, flips as
/// `x0 > x1`). Optional instance branch (`instanceWeight > 0`): MLP2d instance projector and
/// predictor on the same map, averaged over the map (the reference's AvgPool2d(7) on a 7 × 7 map),
/// term `pixpro_instance` = `PixProLosses.instance` with that weight.
///
/// The key branch is an EMA of the online one with τ_k = 1 − (1 − τ₀)(cos(πk/K) + 1)/2. The
/// reference updates it at the start of forward k with τ_k (k = optimizer steps done) before
/// computing the keys; here the same update runs after optimizer step k (`afterStep`), which is
/// the same sequence of weights (the reference's update at k = 0 is a no-op: the copies are equal).
/// Only parameters are averaged; the key BN statistics come from the key branch's own forward.
public struct PixPro<Model: Backbone>: Objective {
    /// The online pixel projector (MLP2d).
    public var projector: MLP2d
    /// The pixel propagation module.
    public var propagation: PixelPropagation
    /// The online instance projector (instance branch only).
    public var instanceProjector: MLP2d?
    /// The instance predictor (instance branch only).
    public var predictor: MLP2d?
    /// The online linear probe on detached pooled features (nil: none).
    public var probe: OnlineProbe?
    /// The momentum branch.
    public var target: PixProTarget<Model>
    /// τ₀ of the EMA schedule.
    public var baseMomentum: Float
    /// The positive-pair distance threshold, in bin diagonals (`pixpro_pos_ratio`).
    public var threshold: Float
    /// The weight of the instance term (0: no instance branch).
    public var instanceWeight: Float

    /// PixPro around `model` (the key branch starts as a copy of the online one). Widths as in the
    /// reference: projector C5 → 4096 → 256, value transform of 1 layer, γ 2, threshold 0.7, τ₀ 0.99.
    public init(
        model: Model, projectorHidden: Int = 4096, projectorOutput: Int = 256, transformLayers: Int = 1,
        gamma: Float = 2, clamp: Float = 0, threshold: Float = 0.7, baseMomentum: Float = 0.99,
        instanceWeight: Float = 0, predictorHidden: Int = 4096, probeClasses: Int? = nil, rng: inout Philox
    ) {
        let channels = model.featureCount
        projector = MLP2d(inputChannels: channels, innerChannels: projectorHidden, outputChannels: projectorOutput, rng: &rng)
        propagation = PixelPropagation(channels: projectorOutput, transformLayers: transformLayers, gamma: gamma, clamp: clamp, rng: &rng)
        if instanceWeight > 0 {
            instanceProjector = MLP2d(inputChannels: channels, innerChannels: projectorHidden, outputChannels: projectorOutput, rng: &rng)
            predictor = MLP2d(inputChannels: projectorOutput, innerChannels: predictorHidden, outputChannels: projectorOutput, rng: &rng)
        }
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        target = PixProTarget(backbone: model, projector: projector, instanceProjector: instanceProjector)
        target.freeze()
        self.baseMomentum = baseMomentum
        self.threshold = threshold
        self.instanceWeight = instanceWeight
    }

    /// Two views.
    public var viewCount: Int { 2 }

    /// Visits `projector.*`, `propagation.*`, `instance_projector.*`, `predictor.*`, `probe.*` and
    /// the frozen `target.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("projector", &projector)
        visitor.visit("propagation", &propagation)
        visitor.visit("instance_projector", &instanceProjector)
        visitor.visit("predictor", &predictor)
        visitor.visit("probe", &probe)
        visitor.visit("target", &target)
    }

    /// The crop boxes `[N, 4]` of views 0 and 1 that the loss pairs pixels by: exactly what the
    /// loader recorded (`ViewInfo.boxes`, `ViewParams.normalizedBox`).
    public static func boxes(of batch: TrainingBatch) -> (Tensor, Tensor) {
        (batch.viewInfo[0].boxes, batch.viewInfo[1].boxes)
    }

    /// `pixpro` and, with the instance branch, `pixpro_instance`; with a probe and labels, `probe`.
    /// Metrics: `pixpro_pairs` (positive pairs per sample, view 1 → view 2), `probe_accuracy`.
    ///
    /// The keys come first (momentum branch, no gradient); the loss is then a sum of one term per
    /// view whose other operand is constant, so without the instance branch the first view's term
    /// is differentiated (`backpropagateAhead`) before the second view's forward pass: only one
    /// view's activations are alive at a time (the same gradients, up to summation order).
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let views = try batch.views(2, for: "pixpro")
        var keys: [Tensor] = []
        var instanceKeys: [Tensor] = []
        var targetContext = Context(training: context.isTraining, rng: context.rng)
        for v in views {
            let map = try Self.lastMap(target.backbone.extract(v.detached, context: &targetContext)).detached
            keys.append(target.projector.forward(map, context: &targetContext).detached)
            if instanceWeight > 0, target.instanceProjector != nil {
                instanceKeys.append(target.instanceProjector!.forward(map, context: &targetContext).mean(alongAxes: [2, 3]).detached)
            }
        }
        let (box0, box1) = Self.boxes(of: batch)
        let boxes = [box0, box1]
        var directions: [Tensor] = []
        var instances: [Tensor] = []
        var features: [Tensor] = []
        for (i, v) in views.enumerated() {
            let out = model.extract(v, context: &context)
            let map = try Self.lastMap(out)
            features.append(out.features.detached)
            let query = propagation.forward(projector.forward(map, context: &context), context: &context)
            let direction = PixProLosses.direction(
                prediction: query, key: keys[1 - i], boxPrediction: boxes[i], boxKey: boxes[1 - i],
                threshold: threshold)
            if instanceWeight > 0, instanceProjector != nil, predictor != nil {
                let projected = instanceProjector!.forward(map, context: &context)
                instances.append(predictor!.forward(projected, context: &context).mean(alongAxes: [2, 3]))
            } else if i == 0 {
                direction.backpropagateAhead()
            }
            directions.append(direction)
        }
        var terms = [LossTerm("pixpro", directions[0] + directions[1])]
        if instanceWeight > 0 {
            terms.append(
                LossTerm(
                    "pixpro_instance", PixProLosses.instance(predictions: (instances[0], instances[1]), keys: (instanceKeys[0], instanceKeys[1])),
                    weight: instanceWeight))
        }
        let pairs = PixProLosses.positivePairs(boxQuery: box0, boxKey: box1, height: keys[0].shape[2], width: keys[0].shape[3], threshold: threshold)
        var metrics: [String: Float] = ["pixpro_pairs": pairs.sum().scalar / Float(max(batch.count, 1))]
        probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics, features: features[0])
    }

    /// The last intermediate of `output` as a feature map `[N, C, h, w]` (ResNet: C5; ViT: the
    /// last block's patch tokens); throws for a backbone that returns no map.
    static func lastMap(_ output: BackboneOutput) throws -> Tensor {
        guard let map = output.intermediates.last, map.rank == 4 else {
            throw ObjectiveError.shapeMismatch(
                objective: "pixpro",
                message:
                    "needs a backbone whose last stage is a feature map [N, C, h, w], got \(output.intermediates.last?.shape.description ?? "none")")
        }
        return map
    }

    /// The EMA update of the key branch after optimizer step k = `progress.step` with τ_k.
    public mutating func afterStep(model: Model, progress: TrainingProgress) {
        let ema = EMA(baseMomentum: baseMomentum, totalSteps: progress.totalSteps, copiesRunningStatistics: false)
        ema.update(
            target: &target, online: PixProTarget(backbone: model, projector: projector, instanceProjector: instanceProjector),
            step: progress.step)
    }

    /// τ at `step` of `totalSteps`.
    public func momentum(step: Int, totalSteps: Int) -> Float {
        EMA(baseMomentum: baseMomentum, totalSteps: totalSteps).momentum(at: step)
    }
}
