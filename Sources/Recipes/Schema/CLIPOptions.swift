import Backbones
import DataStore
import NN
import Objectives
import Support

/// How captions become tokens (`objective.clip.tokenizer`).
public enum CaptionTokenizerName: String, RecipeName {
    /// One token per word of the Fashion-MNIST caption vocabulary plus the zero-shot prompt words
    /// (`CLIPOptions.wordVocabulary`); other words are `<unk>`.
    case words
    /// One token per UTF-8 byte (any caption; needs a longer context).
    case bytes
    /// The kind named in recipe errors (`unknown tokenizer`).
    public static let kindName = "tokenizer"
}

/// Options of CLIP: the text tower (the zoo's `clip_text` at the size these machines train: width
/// 128, 4 layers, 4 heads, context 32, about 0.9M parameters), the joint embedding width and the
/// tokenizer. The image tower is `model`; the log-scale starts at log(1/0.07) and is clamped to
/// [0, ln 100] after each step.
public struct CLIPOptions: RecipeSection, Sendable, Equatable {
    /// Joint embedding width E (both projections' output).
    public var embedDim: Int = 128
    /// Text tower token width D.
    public var textWidth: Int = 128
    /// Text tower blocks.
    public var textLayers: Int = 4
    /// Text tower attention heads.
    public var textHeads: Int = 4
    /// Tokens per caption L (start and end included); longer captions are truncated (said once in the log).
    public var contextLength: Int = 32
    /// The tokenizer.
    public var tokenizer: CaptionTokenizerName = .words

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("embed_dim", \.embedDim, .atLeast(1)),
            .init("text_width", \.textWidth, .atLeast(1)),
            .init("text_layers", \.textLayers, .atLeast(1)),
            .init("text_heads", \.textHeads, .atLeast(1)),
            .init("context_length", \.contextLength, .atLeast(3)),
            .init("tokenizer", \.tokenizer),
        ]
    }

    /// The defaults above.
    public init() {}

    /// `text_heads` divides `text_width`.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if textWidth % textHeads != 0 {
            throw c.invalid(RecipeKey("text_heads"), "text_heads \(textHeads) must divide text_width \(textWidth)")
        }
    }

    /// The words of the `words` tokenizer: the caption generator's vocabulary and the zero-shot
    /// prompt templates' and class names' words, sorted.
    public static var wordVocabulary: [String] {
        var words = Set(FashionCaptioner.vocabulary)
        for t in ZeroShotPrompts.templates { words.formUnion(FashionCaptioner.words(of: t).filter { !$0.hasPrefix("{") }) }
        for group in FashionCaptioner.classWords { words.formUnion(group) }
        return words.sorted()
    }

    /// The tokenizer the options name.
    public func makeTokenizer() throws -> CaptionTokenizer {
        try CaptionTokenizer(kind: tokenizer == .words ? .words(Self.wordVocabulary) : .bytes, contextLength: contextLength)
    }

    /// The text tower for `tokenizer`, from `rng`.
    func makeTextTower(tokenizer: CaptionTokenizer, rng: inout Philox) -> TextTransformer {
        TextTransformer(
            contextLength: contextLength, vocabularySize: tokenizer.vocabularySize, width: textWidth, depth: textLayers,
            headCount: textHeads, featureCount: embedDim, endToken: CaptionTokenizer.end, rng: &rng)
    }
}

extension CLIPOptions: ObjectiveConfiguration {
    /// `CLIP` around `model`, with the online probe when `eval.online_probe` is on.
    public func makeObjective<B: Backbone>(model: B, setup: inout ObjectiveSetup) throws -> any Objective<B> {
        let tokenizer = try makeTokenizer()
        let tower = makeTextTower(tokenizer: tokenizer, rng: &setup.rng)
        return CLIP(
            model: model, textTower: tower, vocabulary: tokenizer.vocabularyList,
            probeClasses: setup.recipe.eval.onlineProbe ? setup.classCount : nil, rng: &setup.rng)
    }

    /// Tokenise each caption in the loader's workers (no augmentation, no masking).
    public func textPipeline(seed: UInt64) throws -> TextPipeline? {
        TextPipeline(tokenizer: try makeTokenizer(), seed: seed)
    }
}
