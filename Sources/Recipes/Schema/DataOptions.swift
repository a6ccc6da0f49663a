/// The `data` section: stores, batching, loader workers and the augmented views.
public struct DataOptions: RecipeSection, Sendable, Equatable {
    /// Sample order of the training loader.
    public enum Order: String, RecipeName {
        /// A fresh permutation each epoch.
        case random
        /// Store order.
        case sequential
        /// Memory-bounded, class-mixed shuffling.
        case quasiRandom = "quasi_random"
        /// For messages.
        public static let kindName = "order"
    }

    /// Training store path (relative to the working directory); required.
    public var train = ""
    /// Test store path for probes and kNN; nil when there is none.
    public var test: String?
    /// Samples per batch (per rank).
    public var batchSize: Int = 256
    /// Decode/augment worker threads.
    public var workers: Int = 2
    /// Batches prepared ahead.
    public var prefetch: Int = 2
    /// Training order.
    public var order: Order = .random
    /// Drop the last incomplete batch of an epoch.
    public var dropLast: Bool = true
    /// Normalisation for evaluation and for views without their own.
    public var normalize: NormalizeOptions?
    /// The views drawn per sample (supervised and KD: one; BYOL: two).
    public var views: [ViewOptions] = [ViewOptions()]
    /// The fraction of the training store held out (seeded by `train.seed`) for in-training evaluation
    /// and model selection; the training loader never yields those samples. 0: no validation part.
    public var valFraction: Double = 0
    /// Batch mixing (mixup/cutmix); nil: off.
    public var mix: MixOptions?
    /// A second store filling a share of every batch (SSLD's unlabelled images); nil: off.
    public var extra: ExtraDataOptions?

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .required("train", \.train, .nonEmpty),
            .optional("test", \.test),
            .init("batch_size", \.batchSize, .atLeast(1)),
            .init("workers", \.workers, .atLeast(0)),
            .init("prefetch", \.prefetch, .atLeast(1)),
            .init("order", \.order),
            .init("drop_last", \.dropLast),
            .optional("normalize", \.normalize),
            .init("views", \.views, ValueCheck { $0.isEmpty ? "must list at least one view" : nil }),
            .init("val_fraction", \.valFraction, .halfOpen(0, 1)),
            .optional("mix", \.mix),
            .optional("extra", \.extra),
        ]
    }

    /// No training store yet (a recipe must name one).
    public init() {}

    /// Creates data options with defaults.
    public init(train: String, test: String? = nil) {
        self.train = train
        self.test = test
    }

    /// The normalisation a view uses: its own, else `normalize`.
    public func normalization(for view: ViewOptions) -> NormalizeOptions? { view.normalize ?? normalize }

    /// Total views per sample (sum of the specs' counts).
    public var viewCount: Int { views.reduce(0) { $0 + $1.count } }

    /// The extra store leaves at least one sample of each store per batch and is not combined with `mix`.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        guard let extra else { return }
        let k = extra.count(ofBatch: batchSize)
        guard k >= 1 && k < batchSize else {
            throw c.invalid(
                RecipeKey("extra"),
                "fraction \(extra.fraction) of batch_size \(batchSize) gives \(k) extra samples; it must leave at least one of each store")
        }
        if mix != nil {
            throw c.invalid(RecipeKey("extra"), "cannot be combined with data.mix: a mix pairs samples within one loader's batch")
        }
    }

    /// Samples per batch from `train`: `batch_size` less the extra store's share.
    public var mainBatchSize: Int { batchSize - (extra?.count(ofBatch: batchSize) ?? 0) }
}
