/// `data.extra`: a second store whose samples fill a fixed share of every training batch, drawn by
/// their own loader with the same views (SSLD's unlabelled images beside the labelled ones,
/// PaddleClas `ssld.md`). A batch of `data.batch_size` B holds B − k samples of `data.train` and
/// k = round(`fraction` · B) of `store`; an epoch is still one pass over `data.train`, while the
/// extra store is walked in its own seeded epochs, continued across the training epochs. Its labels
/// (none when the store has none) join the batch, so an objective that needs labels needs a
/// labelled extra store. The two stores must not share sample ids (split one store with
/// `retort store subset --complement`) and must hold images of the same size.
public struct ExtraDataOptions: RecipeSection, Sendable, Equatable {
    /// The extra store's path.
    public var store = ""
    /// The share of each batch taken from it, in (0, 1).
    public var fraction: Double = 0.5

    /// The recipe keys (`store` required).
    public static var fields: [RecipeField<Self>] {
        [
            .required("store", \.store, .nonEmpty),
            .init("fraction", \.fraction, ValueCheck { $0 > 0 && $0 < 1 ? nil : "must be in (0, 1), got \($0)" }),
        ]
    }

    /// No store yet (a recipe must name one).
    public init() {}

    /// Half of every batch from `store`.
    public init(store: String, fraction: Double = 0.5) {
        self.store = store
        self.fraction = fraction
    }

    /// k: the samples of a batch of `batchSize` taken from the extra store.
    public func count(ofBatch batchSize: Int) -> Int { Int((fraction * Double(batchSize)).rounded(.toNearestOrAwayFromZero)) }
}
