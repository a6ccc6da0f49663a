/// One view of every sample in a batch.
public struct ViewBatch: Sendable {
    /// Normalised pixels, [N, C, H, W] row-major.
    public var pixels: [Float]
    /// [N, C, H, W].
    public var shape: [Int]
    /// The parameters that produced each sample's view (replayable).
    public var params: [ViewParams]

    /// A view batch ([N, C, H, W] pixels and one parameter record per sample).
    public init(pixels: [Float], shape: [Int], params: [ViewParams]) {
        self.pixels = pixels
        self.shape = shape
        self.params = params
    }
}

/// A batch from the loader.
public struct Batch: Sendable {
    /// The epoch.
    public var epoch: Int
    /// The step within the epoch (0-based, this rank).
    public var step: Int
    /// One entry per view spec.
    public var views: [ViewBatch]
    /// Labels ([N]; -1 where none).
    public var labels: [Int32]
    /// Sample ids ([N]).
    public var sampleIDs: [UInt64]
    /// Stored positions ([N]).
    public var indices: [Int]
    /// The batch mixing applied to every view (`LoaderConfig.mix`), nil when this batch was not mixed:
    /// targets are `lambda * y_i + (1 - lambda) * y_partner[i]`.
    public var mix: MixParams?
    /// Per sample, the store's text field (captions); nil when the store has none (or `loadTexts` is off).
    public var texts: [String]?
    /// Per sample, the tokenised caption (`LoaderConfig.text`); nil without a text pipeline.
    public var encodedTexts: [EncodedText]?

    /// A batch (an empty one is the starting point for `EpochIterator.next(into:)`).
    public init(
        epoch: Int = 0, step: Int = 0, views: [ViewBatch] = [], labels: [Int32] = [], sampleIDs: [UInt64] = [], indices: [Int] = [],
        mix: MixParams? = nil, texts: [String]? = nil
    ) {
        self.epoch = epoch
        self.step = step
        self.views = views
        self.labels = labels
        self.sampleIDs = sampleIDs
        self.indices = indices
        self.mix = mix
        self.texts = texts
    }
}
