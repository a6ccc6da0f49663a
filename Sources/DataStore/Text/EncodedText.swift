/// One caption as the text tower takes it (made by `TextPipeline` in the loader's worker).
public struct EncodedText: Sendable, Equatable {
    /// `[L]` ids of the caption.
    public var ids: [Int32]
    /// `[L]` ids of the EDA-augmented caption (DeCLIP's `t_aug`), when augmentation is on.
    public var augmentedIDs: [Int32]?
    /// The EDA operation drawn (0 when augmentation is off).
    public var augmentation: UInt8
    /// `[L]` ids of the caption after MLM masking, when masking is on.
    public var maskedIDs: [Int32]?
    /// `[L]` MLM targets: the original id at each chosen position, −1 elsewhere.
    public var maskTargets: [Int32]?
    /// Whether the caption was longer than the context and cut.
    public var truncated: Bool

    /// An encoded caption.
    public init(
        ids: [Int32], augmentedIDs: [Int32]? = nil, augmentation: UInt8 = 0, maskedIDs: [Int32]? = nil,
        maskTargets: [Int32]? = nil, truncated: Bool = false
    ) {
        self.ids = ids
        self.augmentedIDs = augmentedIDs
        self.augmentation = augmentation
        self.maskedIDs = maskedIDs
        self.maskTargets = maskTargets
        self.truncated = truncated
    }
}
