import Backbones
import Foundation
import NN
import Support
import TensorCore

/// DeCLIP (Li et al. 2022, Sense-GVT/DeCLIP `prototype/model/declip.py`): CLIP plus supervision
/// inside each modality, across views and from nearest neighbours. Per step, two image views
/// `x1, x2` and the caption `t` with its EDA copy `t'` (made in the loader's worker):
///
/// - `clip` (MVS): the mean of the four symmetric InfoNCE terms `{x1, x2} × {t, t'}` (`ClipInfoCELoss`);
/// - `simsiam` (ISS): SimSiam on the two image views' backbone features, through SimSiam's
///   projector and predictor (`SSLLosses.simsiam`);
/// - `mlm` (TSS): the text tower on the MLM-masked caption, its final tokens through `ln_final`
///   and a linear head `[D] -> [V]`, cross-entropy on the chosen positions;
/// - `nns`: a FIFO queue of detached, normalised text embeddings (initialised with random unit
///   vectors, as lightly's `NNMemoryBankModule`); the nearest entries of `t` and `t'` by cosine are
///   looked up **before** this batch is enqueued, and `mean_k ½(CE(s·x̂_k·NN(t)ᵀ) + CE(s·x̂_k·NN(t')ᵀ))`,
///   both image-to-text.
///
/// Weights as the reference's yfcc15m / 88M R50 configs: clip 0.4, nns 0.2, simsiam 0.2, mlm 0.2.
/// The queue and its write position are objective state, saved with every checkpoint.
public struct DeCLIP<Model: Backbone>: Objective {
    /// The CLIP towers and log-scale (parameters at the top level, as a CLIP run's).
    public var clip: CLIP<Model>
    /// The image self-supervision (SimSiam's projector and predictor; no probe of its own).
    public var simsiam: SimSiam<Model>
    /// The MLM head `[D] -> [V]`.
    public var mlmHead: Linear
    /// The nearest-neighbour queue `[Q, E]` of normalised text embeddings.
    public private(set) var queue: Tensor
    /// The next row of `queue` to write.
    public private(set) var queuePointer: Int
    /// The loss weights: clip, nns, simsiam, mlm.
    public var weights: (clip: Float, nns: Float, simsiam: Float, mlm: Float)

    /// DeCLIP around `clip` with SimSiam heads of the given widths, a text queue of `queueLength` rows.
    public init(
        clip: CLIP<Model>, model: Model, projectorHidden: Int, projectorOutput: Int, predictorHidden: Int, queueLength: Int,
        weights: (clip: Float, nns: Float, simsiam: Float, mlm: Float) = (0.4, 0.2, 0.2, 0.2), rng: inout Philox
    ) {
        self.clip = clip
        simsiam = SimSiam(
            model: model, projectorHidden: projectorHidden, projectorOutput: projectorOutput,
            predictorHidden: predictorHidden, rng: &rng)
        let width = clip.textTower.positionEmbedding.shape[1]
        let vocabulary = clip.textTower.tokenEmbedding.weight.shape[0]
        mlmHead = Linear(inputCount: width, outputCount: vocabulary, rng: &rng)
        let e = clip.textTower.featureCount
        queue = Tensor(shape: [queueLength, e], scalars: (0..<(queueLength * e)).map { _ in rng.nextNormal() }).l2Normalized(alongAxis: 1)
        queuePointer = 0
        self.weights = weights
    }

    /// Two image views.
    public var viewCount: Int { 2 }

    /// Visits CLIP's parameters at the top level, `simsiam.*` and `mlm_head.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("", &clip)
        visitor.visit("simsiam", &simsiam)
        visitor.visit("mlm_head", &mlmHead)
    }

    /// `clip`, `nns`, `simsiam`, `mlm` (and CLIP's `probe`). Metrics as CLIP's.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        let views = try batch.views(2, for: "declip")
        let text = try CLIP<Model>.text(of: batch, contextLength: clip.textTower.contextLength, objective: "declip")
        guard let augmented = text.augmentedIDs, let masked = text.maskedIDs, let targets = text.maskTargets else {
            throw ObjectiveError.shapeMismatch(
                objective: "declip", message: "the batch's text has no EDA copy or MLM masking (the loader's text pipeline)")
        }
        let s = clip.logScale.value
        var images: [Tensor] = []
        var features: [Tensor] = []
        for v in views {
            let (z, f) = clip.embedImages(model: &model, v, context: &context)
            images.append(z)
            features.append(f)
        }
        let texts = [
            clip.embedTexts(text.ids, padding: text.padding, context: &context),
            clip.embedTexts(augmented, padding: text.padding, context: &context),
        ]
        var clipTerms: [Tensor] = []
        for zi in images {
            for zt in texts { clipTerms.append(CLIPLosses.symmetric(image: zi, text: zt, logScale: s, group: context.trainingGroup)) }
        }
        let clipLoss = clipTerms.dropFirst().reduce(clipTerms[0], +) * (1 / Float(clipTerms.count))

        let neighbours = texts.map { nearest($0.detached) }
        var nnTerms: [Tensor] = []
        for zi in images {
            let l1 = CLIPLosses.scaledLogits(image: zi, text: neighbours[0], logScale: s)
            let l2 = CLIPLosses.scaledLogits(image: zi, text: neighbours[1], logScale: s)
            nnTerms.append(CLIPLosses.pairwise(logitsPerImage: l1, logitsPerText: l2))
        }
        let nnLoss = (nnTerms[0] + nnTerms[1]) * 0.5
        for t in texts { enqueue(t.detached) }

        var z: [Tensor] = []
        var p: [Tensor] = []
        for f in features {
            let zi = simsiam.projector.forward(f, context: &context)
            z.append(zi)
            p.append(simsiam.predictor.forward(zi, context: &context))
        }
        let simsiamLoss = SSLLosses.simsiam(predictions: (p[0], p[1]), targets: (z[0], z[1]))
        let mlmLoss = maskedLanguageModelling(masked, targets: targets, padding: text.padding, context: &context)

        var terms = [
            LossTerm("clip", clipLoss, weight: weights.clip), LossTerm("nns", nnLoss, weight: weights.nns),
            LossTerm("simsiam", simsiamLoss, weight: weights.simsiam), LossTerm("mlm", mlmLoss, weight: weights.mlm),
        ]
        var metrics = [
            "logit_scale": Foundation.exp(s.scalar),
            "clip_accuracy": CLIP<Model>.inBatchAccuracy(image: images[0], text: texts[0]),
        ]
        clip.probe?.addTerm(features: features[0], labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics, features: features[0])
    }

    /// The MLM cross-entropy over the chosen positions (`targets` ≥ 0) of `masked` `[N, L]`; zero when none is chosen.
    public mutating func maskedLanguageModelling(_ masked: IntTensor, targets: IntTensor, padding: Int32, context: inout Context) -> Tensor {
        let chosen = targets.scalars.indices.filter { targets.scalars[$0] >= 0 }
        guard !chosen.isEmpty else { return Tensor(0) }
        let mask = Tensor(shape: masked.shape, scalars: masked.scalars.map { $0 == padding ? 0 : 1 })
        let tokens = clip.textTower.extract(masked, mask: mask, context: &context).intermediates.last!  // [N, L, D]
        let d = tokens.shape[2]
        let rows = clip.textTower.finalNorm(tokens).reshaped(to: [masked.shape[0] * masked.shape[1], d])
            .indexSelect(alongAxis: 0, IntTensor(chosen.map { Int32($0) }))
        return Tensor.crossEntropy(logits: mlmHead(rows), labels: IntTensor(chosen.map { targets.scalars[$0] }))
    }

    /// The queue row nearest (by cosine) to each row of `texts` `[N, E]`, `[N, E]` (no gradient).
    public func nearest(_ texts: Tensor) -> Tensor {
        let similarity = Tensor.matmul(texts.l2Normalized(alongAxis: 1), queue, transposeB: true)  // [N, Q]
        let q = queue.shape[0]
        let index = (0..<texts.shape[0]).map { i -> Int32 in
            let row = similarity.scalars[(i * q)..<((i + 1) * q)]
            return Int32(row.indices.max { row[$0] < row[$1] }! - i * q)
        }
        return queue.indexSelect(alongAxis: 0, IntTensor(index))
    }

    /// Writes the normalised `texts` `[N, E]` at the pointer; as lightly's memory bank, a batch that
    /// would run past the end restarts at row 0 (the tail rows keep their older entries).
    mutating func enqueue(_ texts: Tensor) {
        let n = texts.shape[0]
        let q = queue.shape[0]
        let e = queue.shape[1]
        guard n <= q else { return }
        if queuePointer + n > q { queuePointer = 0 }
        var scalars = queue.scalars
        scalars.replaceSubrange((queuePointer * e)..<((queuePointer + n) * e), with: texts.l2Normalized(alongAxis: 1).scalars)
        queue = Tensor(shape: queue.shape, scalars: scalars)
        queuePointer = (queuePointer + n) % q
    }

    /// Clamps the log-scale (CLIP's rule).
    public mutating func afterStep(model: Model, progress: TrainingProgress) {
        clip.afterStep(model: model, progress: progress)
    }

    /// `text_vocabulary`, `nn_queue` `[Q, E]` and `nn_queue_pointer`.
    public var state: SafeTensors {
        var s = clip.state
        s.tensors["nn_queue"] = queue
        s.integers["nn_queue_pointer"] = Int64Tensor(shape: [1], scalars: [Int64(queuePointer)])
        return s
    }

    /// Restores the queue and its pointer; checks the vocabulary.
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        try state.requireOnly(tensors: ["nn_queue"], integers: ["text_vocabulary", "nn_queue_pointer"], file: file)
        var clipState = state
        clipState.tensors = [:]
        clipState.integers["nn_queue_pointer"] = nil
        try clip.loadState(clipState, file: file)
        guard let q = state.tensors["nn_queue"] else { return }
        guard q.shape == queue.shape else { throw CheckpointError.shapeMismatch(file: file, key: "nn_queue", expected: queue.shape, found: q.shape) }
        guard let p = state.integers["nn_queue_pointer"]?.scalars.first, p >= 0, Int(p) < queue.shape[0] else {
            throw CheckpointError.missingKey(file: file, key: "nn_queue_pointer", expectedShape: [1])
        }
        queue = q
        queuePointer = Int(p)
    }
}
