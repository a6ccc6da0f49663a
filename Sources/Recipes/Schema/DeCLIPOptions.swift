import Backbones
import DataStore
import Objectives

/// Options of DeCLIP: CLIP's (`clip`), the SimSiam heads of the image self-supervision, the
/// nearest-neighbour text queue, EDA and MLM rates, and the loss weights (the reference's yfcc15m /
/// 88M R50 configs: clip 0.4, nns 0.2, simsiam 0.2, mlm 0.2). The reference's heads are
/// 1024-1024-1024 with a 512 predictor bottleneck and a 2^16 queue; the defaults here are sized
/// for Fashion-MNIST on CPUs.
public struct DeCLIPOptions: RecipeSection, Sendable, Equatable {
    /// The CLIP part (text tower, embedding width, tokenizer).
    public var clip = CLIPOptions()
    /// SimSiam projector hidden width.
    public var projectorHidden: Int = 512
    /// SimSiam projector output width.
    public var projectorOut: Int = 512
    /// SimSiam predictor bottleneck.
    public var predictorHidden: Int = 128
    /// Rows of the nearest-neighbour text queue.
    public var queueLength: Int = 4096
    /// EDA's share of changed words.
    public var edaAlpha: Double = 0.1
    /// MLM's choice probability.
    public var maskProbability: Double = 0.15
    /// Weight of the four-view CLIP term.
    public var clipWeight: Double = 0.4
    /// Weight of the nearest-neighbour term.
    public var nnsWeight: Double = 0.2
    /// Weight of the image SimSiam term.
    public var simsiamWeight: Double = 0.2
    /// Weight of the MLM term.
    public var mlmWeight: Double = 0.2

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("projector_hidden", \.projectorHidden, .atLeast(1)),
            .init("projector_out", \.projectorOut, .atLeast(1)),
            .init("predictor_hidden", \.predictorHidden, .atLeast(1)),
            .init("queue_length", \.queueLength, .atLeast(1)),
            .init("eda_alpha", \.edaAlpha, .within(0...1)),
            .init("mask_probability", \.maskProbability, .within(0...1)),
            .init("clip_weight", \.clipWeight, .nonNegative),
            .init("nns_weight", \.nnsWeight, .nonNegative),
            .init("simsiam_weight", \.simsiamWeight, .nonNegative),
            .init("mlm_weight", \.mlmWeight, .nonNegative),
            .init("clip", \.clip),
        ]
    }

    /// The defaults above.
    public init() {}

}

extension DeCLIPOptions: ObjectiveConfiguration {
    /// `DeCLIP` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        let tokenizer = try clip.makeTokenizer()
        let tower = clip.makeTextTower(tokenizer: tokenizer, rng: &setup.rng)
        let base = CLIP(
            model: model, textTower: tower, vocabulary: tokenizer.vocabularyList,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
        return DeCLIP(
            clip: base, model: model, projectorHidden: projectorHidden, projectorOutput: projectorOut,
            predictorHidden: predictorHidden, queueLength: queueLength,
            weights: (Float(clipWeight), Float(nnsWeight), Float(simsiamWeight), Float(mlmWeight)), rng: &setup.rng)
    }

    /// Tokenise, EDA-augment (synonyms from the caption generator's table) and MLM-mask each caption in the workers.
    public func textPipeline(seed: UInt64) throws -> TextPipeline? {
        TextPipeline(
            tokenizer: try clip.makeTokenizer(), augmenter: CaptionAugmenter(alpha: Float(edaAlpha)),
            maskProbability: Float(maskProbability), seed: seed)
    }

    /// Two views per sample.
    public func problem(in recipe: Recipe) -> RecipeValueError? { requireViews(2, "declip", in: recipe) }
}
