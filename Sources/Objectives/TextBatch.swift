import TensorCore

/// The tokenised captions of a batch (made in the loader's worker, see `DataStore.TextPipeline`):
/// ids `[N, L]` with `L` the text tower's context; padding is id `padding`.
public struct TextBatch {
    /// `[N, L]` caption ids.
    public var ids: IntTensor
    /// `[N, L]` ids of the EDA-augmented captions (DeCLIP), when the pipeline augments.
    public var augmentedIDs: IntTensor?
    /// Per sample, the EDA operation the worker drew for `augmentedIDs` (1 synonym replacement, 2 random
    /// swap, 3 random deletion; `DataStore.CaptionAugmenter.Operation`), when the pipeline augments.
    public var augmentations: [UInt8]?
    /// `[N, L]` MLM inputs (chosen positions masked), when the pipeline masks.
    public var maskedIDs: IntTensor?
    /// `[N, L]` MLM targets: the original id at chosen positions, −1 elsewhere.
    public var maskTargets: IntTensor?
    /// How many captions of the batch were longer than the context and cut.
    public var truncatedCount: Int
    /// The padding id (`CaptionTokenizer.padding`).
    public var padding: Int32

    /// A text batch.
    public init(
        ids: IntTensor, augmentedIDs: IntTensor? = nil, augmentations: [UInt8]? = nil, maskedIDs: IntTensor? = nil,
        maskTargets: IntTensor? = nil, truncatedCount: Int = 0, padding: Int32 = 0
    ) {
        self.ids = ids
        self.augmentedIDs = augmentedIDs
        self.augmentations = augmentations
        self.maskedIDs = maskedIDs
        self.maskTargets = maskTargets
        self.truncatedCount = truncatedCount
        self.padding = padding
    }

    /// The attention mask `[N, L]` of `ids`: 1 for tokens, 0 for padding.
    public func paddingMask(of ids: IntTensor) -> Tensor {
        Tensor(shape: ids.shape, scalars: ids.scalars.map { $0 == padding ? 0 : 1 })
    }
}
