import DataStore
import Objectives
import Support

/// The training store of a run, checked against the objective, with its validation split, the
/// training batches over the training part (joined by `data.extra`'s store), and the run length in steps.
struct TrainingData {
    let store: StoreReader
    /// Image size and channels of the stored images.
    let geometry: (height: Int, width: Int, channels: Int)
    let split: ValidationSplit
    let batches: TrainingBatches
    let stepsPerEpoch: Int
    let totalSteps: Int
    /// The teacher-logit cache the objective reads (`teacher_cache`), checked against this run.
    let teacherCache: TeacherCacheReader?
    /// The ranks of the run (this process's batches are the rank-th share of each global batch).
    let group: any Communicator
    private var rank: Int { group.rank }
    private let recipe: Recipe

    /// Opens `recipe.data.train` for an objective that needs `viewCount` views (and labels); over a
    /// `group` of ranks, this rank's loader yields its `1/R` share of every global batch.
    init<O: Objective>(recipe: Recipe, objective: O, group: any Communicator = SingleProcess()) throws {
        self.recipe = recipe
        self.group = group
        let name = recipe.objective.name
        store = try StoreReader(path: recipe.data.train)
        geometry = try FeatureExtractor.imageGeometry(of: store)
        guard geometry.channels == recipe.model.inChannels || [1, 3].contains(recipe.model.inChannels) else {
            throw TrainError.incompatibleData(
                "model.in_channels \(recipe.model.inChannels) cannot be made from \(geometry.channels)-channel images in \(store.path)")
        }
        if objective.needsLabels && !store.schema.hasLabels {
            throw TrainError.incompatibleData("objective '\(name)' needs labels but \(store.path) has none")
        }
        if recipe.objective.entry.needs.contains(.text) && !store.schema.fields.contains(where: { $0.kind == .text }) {
            throw TrainError.incompatibleData("objective '\(name)' needs captions but \(store.path) has no text field")
        }
        split = ValidationSplit(count: store.count, fraction: recipe.data.valFraction, seed: recipe.train.seed)
        var config = recipe.data.makeLoaderConfig(
            imageSize: (geometry.height, geometry.width), channels: recipe.model.inChannels,
            seed: recipe.train.seed, positions: split.isEmpty ? nil : split.trainPositions)
        config.text = try recipe.objective.options.textPipeline(seed: recipe.train.seed)
        try Self.shard(&config, recipe: recipe, group: group)
        guard config.views.count >= objective.viewCount else {
            throw TrainError.incompatibleData("objective '\(name)' needs \(objective.viewCount) views; data.views makes \(config.views.count)")
        }
        let teacherView = (objective as? any Distilling)?.teacherViewIndex ?? 0
        let cache = try recipe.objective.options.teacherCacheOptions.map {
            try TeacherCacheReader(options: $0, recipe: recipe, teacherView: teacherView, steps: nil)
        }
        if let cache, cache.header.mode == "pool" {  // the loader renders the pool's recorded views
            config.replay = { id, view, epoch in cache.viewParams(id: id, view: view, epoch: epoch) }
        }
        teacherCache = cache
        let loader = try Loader(store: store, config: config)
        batches = TrainingBatches(
            main: loader,
            extra: try Self.extraLoader(
                recipe: recipe, objective: objective, main: store,
                geometry: geometry, config: config))
        stepsPerEpoch = loader.stepsPerEpoch
        guard stepsPerEpoch > 0 else {
            throw TrainError.incompatibleData(
                "\(store.path) has \(split.trainPositions.count) training samples, fewer than one batch of \(config.batchSize)")
        }
        totalSteps = min(recipe.train.maxSteps ?? Int.max, recipe.train.epochs * stepsPerEpoch)
        try teacherCache?.requireSteps(totalSteps)
    }

    /// Makes `config` this rank's share of every global batch (`LoaderConfig.rank`, `worldSize`); throws
    /// naming `data.batch_size` (or `data.extra.fraction`) when a global batch does not split evenly.
    private static func shard(_ config: inout LoaderConfig, recipe: Recipe, group: any Communicator) throws {
        guard group.isDistributed else { return }
        let ranks = group.size
        let extra = recipe.data.extra.map { $0.count(ofBatch: recipe.data.batchSize) } ?? 0
        guard config.batchSize % ranks == 0, extra % ranks == 0 else {
            let field = config.batchSize % ranks == 0 ? "data.extra.fraction (\(extra) extra samples per batch)" : "data.batch_size"
            throw TrainError.incompatibleData(
                "\(field): a global batch of \(recipe.data.batchSize) does not split evenly over \(ranks) ranks; "
                    + "every rank must load the same number of samples per step")
        }
        config.batchSize /= ranks
        config.rank = group.rank
        config.worldSize = ranks
    }

    /// The objectives' batch of global step `step`: the loaded one with the cached teacher outputs
    /// for its views attached when the run reads a teacher cache.
    func trainingBatch(_ loaded: DataStore.Batch, step: Int) throws -> TrainingBatch {
        var batch = TrainingBatch(loaded)
        if let teacherCache {
            batch.teacherOutputs = try teacherCache.outputs(
                step: step, epoch: loaded.epoch, sampleIDs: batch.sampleIDs, offset: rank * batch.count)
        }
        return batch
    }

    /// The loader of `data.extra`'s store: the training loader's views and text pipeline, the extra share
    /// of each batch, all of its samples, its own seed stream; nil without `data.extra`. Throws when the
    /// store does not fit (image size, labels the objective needs, sample ids shared with `main`).
    private static func extraLoader<O: Objective>(
        recipe: Recipe, objective: O, main: StoreReader,
        geometry: (height: Int, width: Int, channels: Int), config: LoaderConfig
    ) throws -> Loader? {
        guard let options = recipe.data.extra else { return nil }
        let store = try StoreReader(path: options.store)
        let shape = try FeatureExtractor.imageGeometry(of: store)
        guard shape.height == geometry.height, shape.width == geometry.width,
            [1, 3].contains(recipe.model.inChannels) || shape.channels == geometry.channels
        else {
            throw TrainError.incompatibleData(
                "data.extra: \(store.path) holds \(shape.height)x\(shape.width)x\(shape.channels) images, "
                    + "\(main.path) \(geometry.height)x\(geometry.width)x\(geometry.channels)")
        }
        if objective.needsLabels && !store.schema.hasLabels {
            throw TrainError.incompatibleData("data.extra: objective '\(recipe.objective.name)' needs labels but \(store.path) has none")
        }
        if recipe.objective.entry.needs.contains(.text) && !store.schema.fields.contains(where: { $0.kind == .text }) {
            throw TrainError.incompatibleData("data.extra: objective '\(recipe.objective.name)' needs captions but \(store.path) has no text field")
        }
        let mainIDs = Set((0..<main.count).map(main.sampleID))
        if let shared = (0..<store.count).first(where: { mainIDs.contains(store.sampleID($0)) }) {
            throw TrainError.incompatibleData(
                "data.extra: \(store.path) and \(main.path) share sample id \(store.sampleID(shared)); "
                    + "the stores must be disjoint (split one with `retort store subset --complement`)")
        }
        var extra = config
        extra.batchSize = options.count(ofBatch: recipe.data.batchSize) / config.worldSize
        extra.positions = nil
        extra.seed = config.seed ^ 0x4558_5452  // 'EXTR': its own view and order stream
        let loader = try Loader(store: store, config: extra)
        guard loader.stepsPerEpoch > 0 else {
            throw TrainError.incompatibleData(
                "data.extra: \(store.path) has \(store.count) samples, fewer than its share of a batch (\(extra.batchSize))")
        }
        return loader
    }

    /// A no-grad pass over the training part for epoch hooks: centre views (no flip), the run's
    /// normalisation, store order, the last batch not padded; hooks' metrics go to `report`. It carries
    /// the run's ranks, so a hook may split it (`DatasetPass.forEachBatchOfThisRank`).
    func datasetPass(report: @escaping ([String: Float]) -> Void = { _ in }) -> DatasetPass {
        var pass = pass(over: store, positions: split.trainPositions, all: split.isEmpty, report: report)
        pass.group = group
        return pass
    }

    /// The same pass over the validation part (empty when the run has none), for
    /// `Objective.validationMetrics`.
    func validationPass() -> DatasetPass {
        pass(over: store, positions: split.validationPositions, all: false)
    }

    /// The same pass over the whole of `data.test` (nil when the recipe has none), for the objective's
    /// held-out metrics scored once at the end of a run.
    func testPass() throws -> DatasetPass? {
        guard let path = recipe.data.test else { return nil }
        let test = try StoreReader(path: path)
        return pass(over: test, positions: Array(0..<test.count), all: true)
    }

    /// A pass over the positions `positions` of `store` (every sample when `all`).
    private func pass(
        over store: StoreReader, positions: [Int], all: Bool,
        report: @escaping ([String: Float]) -> Void = { _ in }
    ) -> DatasetPass {
        let norm = recipe.evaluationNormalization
        var view = DataStore.ViewSpec(crop: .center, outHeight: geometry.height, outWidth: geometry.width)
        view.flipProbability = 0
        view.mean = norm.mean
        view.std = norm.std
        var config = LoaderConfig(batchSize: max(1, min(recipe.data.batchSize, positions.count)), views: [view])
        config.order = .sequential
        config.dropLast = false
        config.channels = recipe.model.inChannels
        config.positions = all ? nil : positions
        config.workers = recipe.data.workers
        return DatasetPass(sampleCount: positions.count, report: report) { visit in
            guard !positions.isEmpty else { return }
            let it = try Loader(store: store, config: config).epoch(0)
            var done = 0
            while done < positions.count, let batch = try it.next() {
                let keep = min(batch.sampleIDs.count, positions.count - done)
                try visit(TrainingBatch(batch, limit: keep))
                done += keep
            }
        }
    }
}

extension Recipe {
    /// The per-channel normalisation the recipe declares for evaluation views: `data.normalize`, else the first view's.
    var declaredNormalization: (mean: [Float], std: [Float])? {
        (data.normalize ?? data.views.first?.normalize).map { n in (n.mean.map { Float($0) }, n.std.map { Float($0) }) }
    }

    /// `declaredNormalization`, else the identity.
    var evaluationNormalization: (mean: [Float], std: [Float]) { declaredNormalization ?? ([0], [1]) }
}
