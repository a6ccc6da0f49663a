import Backbones
import Foundation
import NN
import Support
import TensorCore

/// CLIP (Radford et al. 2021): the trained backbone is the image tower, followed by a linear
/// projection `[N, F] -> [N, E]` (no bias, as CLIP's `visual.proj`); a causal text transformer over
/// the batch's tokenised captions (`TrainingBatch.text`, pooled at the end token and projected by its
/// `text_projection`) is the text tower; a learnable log-scale `logit_scale` (initialised at
/// log(1/0.07), clamped to [0, ln 100] after every step as open_clip's `legacy_train.py` does,
/// role `.scale`, so excluded from weight decay) scales the cosine logits, and the loss is the
/// symmetric InfoNCE `CLIPLosses.symmetric` (open_clip `ClipLoss`). Term `clip`; metrics
/// `logit_scale` (exp of the parameter) and `clip_accuracy` (in-batch image→text top-1). An
/// optional online linear probe on detached image features (term `probe`).
///
/// The text vocabulary (the tokenizer's word list) is saved with every checkpoint as state, so
/// `retort zeroshot` tokenises prompts the same way and a resume with another vocabulary fails.
public struct CLIP<Model: Backbone>: Objective {
    /// Image projection `[N, F] -> [N, E]`.
    public var imageProjection: Linear
    /// The text tower `[N, L]` ids -> `[N, E]`.
    public var textTower: TextTransformer
    /// The log of the logit scale, shape `[]`.
    public var logScale: Parameter
    /// The online linear probe on detached image features (nil: none).
    public var probe: OnlineProbe?
    /// The tokenizer's vocabulary as recorded (`CaptionTokenizer.vocabularyList`).
    public let vocabulary: [String]

    /// The initial log-scale, log(1/0.07) (openai/CLIP `model.py`).
    public static var initialLogScale: Float { Foundation.log(1 / 0.07) }
    /// The clamp of the log-scale after every step: [0, ln 100] (open_clip).
    public static var logScaleRange: ClosedRange<Float> { 0...Foundation.log(100) }

    /// CLIP around `model` with `textTower` and joint width `textTower.featureCount`.
    public init(model: Model, textTower: TextTransformer, vocabulary: [String], probeClasses: Int? = nil, rng: inout Philox) {
        imageProjection = Linear(inputCount: model.featureCount, outputCount: textTower.featureCount, bias: false, rng: &rng)
        self.textTower = textTower
        logScale = Parameter(Tensor(Self.initialLogScale), role: .scale)
        probe = probeClasses.map { OnlineProbe(featureCount: model.featureCount, classCount: $0, rng: &rng) }
        self.vocabulary = vocabulary
    }

    /// Visits `image_projection`, `text.*`, `logit_scale` and `probe.*`.
    public mutating func visitParameters(_ visitor: inout ParameterVisitor) {
        visitor.visit("image_projection", &imageProjection)
        visitor.visit("text", &textTower)
        visitor.visit("logit_scale", &logScale)
        visitor.visit("probe", &probe)
    }

    /// Image embeddings `[N, E]` (not normalised) of the images `[N, C, H, W]`, and the backbone features.
    public mutating func embedImages(model: inout Model, _ images: Tensor, context: inout Context) -> (embeddings: Tensor, features: Tensor) {
        let f = model.features(images, context: &context)
        return (imageProjection.forward(f, context: &context), f)
    }

    /// Text embeddings `[N, E]` (not normalised) of token ids `[N, L]` (padding id `padding`).
    public mutating func embedTexts(_ ids: IntTensor, padding: Int32, context: inout Context) -> Tensor {
        let mask = Tensor(shape: ids.shape, scalars: ids.scalars.map { $0 == padding ? 0 : 1 })
        return textTower.features(ids, mask: mask, context: &context)
    }

    /// The batch's text, checked against the tower's context length.
    static func text(of batch: TrainingBatch, contextLength: Int, objective: String) throws -> TextBatch {
        guard let text = batch.text else { throw ObjectiveError.missingText(objective: objective) }
        guard text.ids.shape[0] == batch.count, text.ids.shape[1] == contextLength else {
            throw ObjectiveError.shapeMismatch(
                objective: objective, message: "text ids \(text.ids.shape) for \(batch.count) images and context \(contextLength)")
        }
        return text
    }

    /// `clip` (and `probe`). See the type's documentation.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        guard let images = batch.views.first else { throw ObjectiveError.tooFewViews(objective: "clip", needed: 1, got: 0) }
        let text = try Self.text(of: batch, contextLength: textTower.contextLength, objective: "clip")
        let (zi, features) = embedImages(model: &model, images, context: &context)
        let zt = embedTexts(text.ids, padding: text.padding, context: &context)
        let loss = CLIPLosses.symmetric(image: zi, text: zt, logScale: logScale.value, group: context.trainingGroup)
        var terms = [LossTerm("clip", loss)]
        var metrics = [
            "logit_scale": Foundation.exp(logScale.value.scalar),
            "clip_accuracy": Self.inBatchAccuracy(image: zi, text: zt),
        ]
        probe?.addTerm(features: features, labels: batch.labels, context: &context, to: &terms, metrics: &metrics)
        return ObjectiveOutput(terms: terms, metrics: metrics, features: features)
    }

    /// The share of images whose most similar caption in the batch is their own.
    static func inBatchAccuracy(image: Tensor, text: Tensor) -> Float {
        let s = Tensor.matmul(image.detached.l2Normalized(alongAxis: 1), text.detached.l2Normalized(alongAxis: 1), transposeB: true)
        let n = s.shape[0]
        var hits = 0
        for i in 0..<n {
            let row = s.scalars[(i * n)..<((i + 1) * n)]
            if row.indices.max(by: { row[$0] < row[$1] }) == i * n + i { hits += 1 }
        }
        return Float(hits) / Float(max(n, 1))
    }

    /// Clamps the log-scale to [0, ln 100] (outside autograd, as open_clip after each optimizer step).
    public mutating func afterStep(model: Model, progress: TrainingProgress) {
        logScale.value = Tensor(min(max(logScale.value.scalar, Self.logScaleRange.lowerBound), Self.logScaleRange.upperBound))
    }

    /// `text_vocabulary`: the vocabulary's words joined by newlines, as UTF-8 bytes (I64).
    public var state: SafeTensors { SafeTensors(integers: ["text_vocabulary": Self.encodeVocabulary(vocabulary)]) }

    /// Checks that the saved vocabulary is this run's (a resume with another tokenizer is an error).
    public mutating func loadState(_ state: SafeTensors, file: String) throws {
        try state.requireOnly(integers: ["text_vocabulary"], file: file)
        guard let saved = state.integers["text_vocabulary"] else { return }
        let words = Self.decodeVocabulary(saved)
        guard words == vocabulary else {
            throw CheckpointError.io(
                file: file, message: "text_vocabulary has \(words.count) entries, this run's tokenizer \(vocabulary.count) (a different vocabulary)")
        }
    }

    /// The vocabulary as the I64 tensor of its UTF-8 bytes, words separated by newlines.
    public static func encodeVocabulary(_ words: [String]) -> Int64Tensor {
        let bytes = Array(words.joined(separator: "\n").utf8).map { Int64($0) }
        return Int64Tensor(shape: [bytes.count], scalars: bytes)
    }

    /// The words of a vocabulary tensor made by `encodeVocabulary`.
    public static func decodeVocabulary(_ t: Int64Tensor) -> [String] {
        let text = String(decoding: t.scalars.map { UInt8(clamping: $0) }, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
