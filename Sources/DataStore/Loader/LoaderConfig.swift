/// The order in which an epoch visits samples. Every order is a pure function of (seed, epoch).
public enum SampleOrder: Sendable, Equatable {
    /// Stored order.
    case sequential
    /// A uniform permutation (Fisher-Yates on Philox). Chunk reuse relies on the decoded-chunk cache.
    case random
    /// Memory-bounded, class-mixed order (FFCV QUASI_RANDOM, fixed): chunks are permuted, a window
    /// of `windowChunks` chunks is open at a time, each slot draws from a random open chunk, and a
    /// finished chunk is replaced by the next one. Only the window's chunks are decoded at once.
    case quasiRandom(windowChunks: Int)
}

/// What the loader does when a sample fails to decode (a bad JPEG/PNG; corrupt chunks always raise).
public enum DecodeErrorPolicy: Sendable, Equatable {
    /// End the epoch with the error (the default; right for evaluation).
    case raise
    /// Use the next stored sample instead (deterministic) and record the substitution, which
    /// `EpochIterator.substitutions` reports; at most 8 consecutive substitutions per slot.
    case substitute
}

/// Everything the loader needs besides the store.
public struct LoaderConfig: Sendable {
    /// Samples per batch on this rank.
    public var batchSize: Int
    /// One spec per view (2 for SimCLR/BYOL, N large + M small for multi-crop).
    public var views: [ViewSpec]
    /// Worker threads decoding and augmenting.
    public var workers: Int = 2
    /// The seed of orders and view parameters.
    public var seed: UInt64 = 0
    /// The sample order.
    public var order: SampleOrder = .quasiRandom(windowChunks: 32)
    /// This process's rank.
    public var rank: Int = 0
    /// The number of ranks; global batch b gives rank r positions b*G + r*B ..< b*G + (r+1)*B.
    public var worldSize: Int = 1
    /// Batches decoded ahead of the consumer (ring slots); bounds memory.
    public var prefetchBatches: Int = 2
    /// Drop the last incomplete global batch; otherwise it is padded by wrapping to the epoch's start.
    public var dropLast: Bool = true
    /// The image field to read (nil: the first image field).
    public var imageField: String? = nil
    /// Output channels (1 or 3); nil: the first sample's. Other samples are converted (gray <-> RGB).
    public var channels: Int? = nil
    /// Decode JPEGs with DCT scaling (1/2, 1/4, 1/8) when every view's crop box is at least that
    /// factor larger than its output (the resize then starts from the smaller image; recorded
    /// parameters stay in source pixels). An approximation of the full-resolution path; off for exactness.
    public var jpegDCTScaling: Bool = true
    /// Decode only the part of each JPEG that the views read (the union of their crop boxes plus a
    /// two-column margin, widened to iMCU boundaries) with libjpeg's `jpeg_crop_scanline` and
    /// `jpeg_skip_scanlines`: the same pixels as a full decode in that region, so the same views.
    /// Applies when every view is resampled (random resized crop, resize); files without a final
    /// EOI marker are decoded whole (a truncated file still fails).
    public var jpegRegionDecode: Bool = true
    /// Decode JPEG chroma with libjpeg-turbo's nearest-neighbour upsampling (TJFLAG_FASTUPSAMPLE,
    /// about 6% faster decodes; chroma differs slightly before the antialiased resize). Off by default.
    public var jpegFastUpsample: Bool = false
    /// Decoded-chunk cache budget in bytes (for `.random` order; quasi-random sizes it from the window).
    public var cacheBytes: Int = 256 << 20
    /// What to do with a sample that fails to decode.
    public var onDecodeError: DecodeErrorPolicy = .raise
    /// Replay: recorded parameters for (sample id, view, epoch), used instead of drawing (a teacher
    /// cache's pool of recorded views); nil from the closure draws as usual.
    public var replay: (@Sendable (_ sampleID: UInt64, _ view: Int, _ epoch: Int) -> ViewParams?)? = nil
    /// The stored positions the loader may visit (nil: all). Every order runs over these only (as a
    /// set: `sequential` visits them in stored order), steps per epoch come from their count, and a
    /// decode substitution picks the next position of the set, so a held-out sample is never
    /// yielded. Positions must be distinct and in `0 ..< store.count`.
    public var positions: [Int]? = nil
    /// Batch mixing (mixup / cutmix, timm-style), applied to every view of each assembled batch; nil: off.
    public var mix: MixConfig? = nil
    /// The text field returned as `Batch.texts` (nil: the store's first text field, if any).
    public var textField: String? = nil
    /// Return the text field (captions) with each batch when the store has one; false skips reading it.
    public var loadTexts: Bool = true
    /// Tokenise (and for DeCLIP augment and mask) each caption in the worker (`Batch.encodedTexts`);
    /// nil: captions are returned as strings only. Needs a text field.
    public var text: TextPipeline? = nil

    /// A config with defaults: 2 workers, quasi-random order, 2 batches of prefetch.
    public init(batchSize: Int, views: [ViewSpec]) {
        precondition(batchSize > 0 && !views.isEmpty, "LoaderConfig needs a positive batch size and at least one view")
        self.batchSize = batchSize
        self.views = views
    }
}

/// Batch mixing, modelled on timm's `Mixup` (`mixup_alpha`, `cutmix_alpha`, `prob`, `switch_prob`;
/// batch mode, cutmix area-corrected lambda). Each batch is mixed with probability `probability`;
/// when both alphas are positive a mixed batch uses cutmix with probability `switchProbability`,
/// otherwise mixup; lambda ~ Beta(alpha, alpha) of the kind used. Draws are keyed by
/// (loader seed, epoch, step), so they are reproducible and resumable.
public struct MixConfig: Sendable, Equatable {
    /// Mixup Beta parameter (0: mixup off).
    public var mixupAlpha: Float
    /// CutMix Beta parameter (0: cutmix off).
    public var cutmixAlpha: Float
    /// Probability that a batch is mixed at all.
    public var probability: Float
    /// When both kinds are on: probability that a mixed batch uses cutmix rather than mixup.
    public var switchProbability: Float

    /// A mixing configuration (timm defaults: prob 1, switch_prob 0.5).
    public init(mixupAlpha: Float = 0, cutmixAlpha: Float = 0, probability: Float = 1, switchProbability: Float = 0.5) {
        self.mixupAlpha = mixupAlpha
        self.cutmixAlpha = cutmixAlpha
        self.probability = probability
        self.switchProbability = switchProbability
    }

    /// Mixup only.
    public static func mixup(alpha: Float, probability: Float = 1) -> MixConfig {
        MixConfig(mixupAlpha: alpha, cutmixAlpha: 0, probability: probability)
    }
    /// CutMix only.
    public static func cutmix(alpha: Float, probability: Float = 1) -> MixConfig {
        MixConfig(mixupAlpha: 0, cutmixAlpha: alpha, probability: probability)
    }
}
