import Support

/// What the loader's worker does with each caption: tokenise it (`CaptionTokenizer`), optionally
/// draw an EDA-augmented copy (`CaptionAugmenter`) and MLM-mask it, from a counter-based Philox
/// keyed by (seed, epoch, sample id), as the image views are, so a batch is reproducible and
/// resumable.
///
/// MLM follows BERT / DeCLIP `mask_tokens.py`: each non-special position is chosen with
/// probability `maskProbability` (0.15); a chosen one becomes `mask` with probability 0.8, a random
/// word id (uniform over the non-special ids) with probability 0.1, and stays unchanged otherwise;
/// its target is the original id (−1 where not chosen).
public struct TextPipeline: Sendable, Equatable {
    /// The tokenizer.
    public var tokenizer: CaptionTokenizer
    /// The EDA augmenter, nil for none.
    public var augmenter: CaptionAugmenter?
    /// The MLM choice probability; nil for no masking.
    public var maskProbability: Float?
    /// The seed (the loader's seed).
    public var seed: UInt64

    /// A pipeline.
    public init(tokenizer: CaptionTokenizer, augmenter: CaptionAugmenter? = nil, maskProbability: Float? = nil, seed: UInt64 = 0) {
        self.tokenizer = tokenizer
        self.augmenter = augmenter
        self.maskProbability = maskProbability
        self.seed = seed
    }

    /// The encoded caption of sample `sampleID` in `epoch`.
    public func encode(_ caption: String, epoch: Int, sampleID: UInt64) -> EncodedText {
        var rng = Philox(seed: seed, keys: [UInt64(truncatingIfNeeded: epoch), sampleID, 0x5445_5854])
        let words = FashionCaptioner.words(of: caption)
        let (ids, truncated) = tokenizer.encode(words: words)
        var out = EncodedText(ids: ids, truncated: truncated)
        if let augmenter {
            let (augmented, op) = augmenter.augment(words, rng: &rng)
            out.augmentedIDs = tokenizer.encode(words: augmented).ids
            out.augmentation = op.rawValue
        }
        if let p = maskProbability {
            let (masked, targets) = Self.mask(ids, probability: p, vocabularySize: tokenizer.vocabularySize, rng: &rng)
            out.maskedIDs = masked
            out.maskTargets = targets
        }
        return out
    }

    /// BERT-style masking of `ids` (special ids never chosen): the masked ids and the targets.
    public static func mask(_ ids: [Int32], probability p: Float, vocabularySize: Int, rng: inout Philox) -> (ids: [Int32], targets: [Int32]) {
        var masked = ids
        var targets = [Int32](repeating: -1, count: ids.count)
        let special = Int32(CaptionTokenizer.specialCount)
        for i in ids.indices where ids[i] >= special {
            guard rng.nextUniform() < p else { continue }
            targets[i] = ids[i]
            let u = rng.nextUniform()
            if u < 0.8 {
                masked[i] = CaptionTokenizer.mask
            } else if u < 0.9 {
                masked[i] = special + Int32(rng.nextInt(below: vocabularySize - Int(special)))
            }
        }
        return (masked, targets)
    }
}
