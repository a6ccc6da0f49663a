/// The `data` section: stores, batching, loader workers and the augmented views.
public struct DataOptions: Codable, Sendable, Equatable {
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

    /// Training store path (relative to the working directory).
    public var train: String
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case train, test
        case batchSize = "batch_size"
        case workers, prefetch, order
        case dropLast = "drop_last"
        case normalize, views
        case valFraction = "val_fraction"
        case mix, extra
    }

    /// Creates data options with defaults.
    public init(train: String, test: String? = nil) {
        self.train = train
        self.test = test
    }

    /// The normalisation a view uses: its own, else `normalize`.
    public func normalization(for view: ViewOptions) -> NormalizeOptions? { view.normalize ?? normalize }

    /// Total views per sample (sum of the specs' counts).
    public var viewCount: Int { views.reduce(0) { $0 + $1.count } }

    /// Decodes with defaults and checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        train = try c.require(.train, .nonEmpty)
        try c.loadOptional(&test, .test)
        try c.load(&batchSize, .batchSize, .atLeast(1))
        try c.load(&workers, .workers, .atLeast(0))
        try c.load(&prefetch, .prefetch, .atLeast(1))
        try c.load(&order, .order)
        try c.load(&dropLast, .dropLast)
        try c.loadOptional(&normalize, .normalize)
        try c.load(&views, .views, ValueCheck { $0.isEmpty ? "must list at least one view" : nil })
        try c.load(&valFraction, .valFraction, .halfOpen(0, 1))
        try c.loadOptional(&mix, .mix)
        try c.loadOptional(&extra, .extra)
        if let extra {
            let k = extra.count(ofBatch: batchSize)
            guard k >= 1 && k < batchSize else {
                throw c.invalid(
                    .extra, "fraction \(extra.fraction) of batch_size \(batchSize) gives \(k) extra samples; it must leave at least one of each store"
                )
            }
            if mix != nil {
                throw c.invalid(.extra, "cannot be combined with data.mix: a mix pairs samples within one loader's batch")
            }
        }
    }

    /// Samples per batch from `train`: `batch_size` less the extra store's share.
    public var mainBatchSize: Int { batchSize - (extra?.count(ofBatch: batchSize) ?? 0) }
}
