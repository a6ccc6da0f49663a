import Foundation

/// The multi-view loader: worker threads pull single samples of the next `prefetchBatches`
/// batches, decode each image once, render every view into preallocated batch slots, and the
/// consumer receives complete batches in order. Output depends only on (seed, epoch) and the
/// store, never on the worker count; an epoch can start at any step (O(N) order rebuild, no replay).
public final class Loader: @unchecked Sendable {
    /// The store being read.
    public let store: StoreReader
    /// The configuration.
    public let config: LoaderConfig
    /// The image field index.
    public let field: Int
    /// Output channels.
    public let channels: Int
    /// The text field returned with batches (`Batch.texts`), nil when none.
    public let textField: Int?
    /// Samples the loader visits per epoch: `config.positions.count`, or the store's count.
    public let sampleCount: Int
    /// `config.positions` sorted ascending (nil: all positions).
    let positions: [Int32]?

    /// Opens `path` with a chunk cache sized for the configured order.
    public convenience init(path: String, config: LoaderConfig) throws {
        let probe = try StoreReader(path: path, cacheBytes: 0)
        var maxChunk = 1
        for c in 0..<probe.chunkCount { maxChunk = max(maxChunk, Int(probe.chunk(c).rawLength)) }
        let budget: Int
        if case .quasiRandom(let w) = config.order {
            // The window, a chunk per worker in use, and the look-ahead and in-flight decodes.
            budget = (w + config.workers + 4) * maxChunk
        } else {
            budget = config.cacheBytes
        }
        try self.init(store: StoreReader(path: path, cacheBytes: budget), config: config)
    }

    /// Uses an open store (its cache budget applies).
    public init(store: StoreReader, config: LoaderConfig) throws {
        guard config.workers >= 1, config.prefetchBatches >= 1, config.worldSize >= 1,
            config.rank >= 0, config.rank < config.worldSize
        else {
            throw StoreError.invalidArgument("loader: need workers >= 1, prefetch >= 1, 0 <= rank < worldSize")
        }
        let f: Int?
        if let name = config.imageField { f = store.schema.fieldIndex(name) } else { f = store.schema.imageFieldIndex }
        guard let f, store.schema.fields[f].kind == .image else {
            throw StoreError.invalidArgument("\(store.path): no image field \(config.imageField ?? "(first)")")
        }
        guard store.count > 0 else { throw StoreError.invalidArgument("\(store.path): store is empty") }
        if let p = config.positions {
            guard !p.isEmpty else { throw StoreError.invalidArgument("loader: positions is empty") }
            var seen = [Bool](repeating: false, count: store.count)
            for i in p {
                guard i >= 0, i < store.count else {
                    throw StoreError.invalidArgument("loader: position \(i) outside 0..<\(store.count) of \(store.path)")
                }
                guard !seen[i] else { throw StoreError.invalidArgument("loader: position \(i) listed twice") }
                seen[i] = true
            }
            positions = seen.indices.filter { seen[$0] }.map { Int32($0) }
        } else {
            positions = nil
        }
        sampleCount = positions?.count ?? store.count
        if !config.loadTexts {
            textField = nil
        } else if let name = config.textField {
            guard let t = store.schema.fieldIndex(name), store.schema.fields[t].kind == .text else {
                throw StoreError.invalidArgument("\(store.path): no text field \(name)")
            }
            textField = t
        } else {
            textField = store.schema.fields.firstIndex { $0.kind == .text }
        }
        if config.text != nil && textField == nil {
            throw StoreError.invalidArgument("\(store.path): the loader tokenises captions but the store has no text field (or loadTexts is off)")
        }
        if let m = config.mix {
            guard m.mixupAlpha >= 0, m.cutmixAlpha >= 0, (0...1).contains(m.probability), (0...1).contains(m.switchProbability) else {
                throw StoreError.invalidArgument("loader: mix needs alphas >= 0 and probabilities in [0, 1]")
            }
        }
        self.store = store
        self.config = config
        self.field = f
        self.channels = try config.channels ?? (store.imageInfo(sample: 0, field: f)?.channels ?? 3)
        guard channels == 1 || channels == 3 else { throw StoreError.invalidArgument("loader: channels must be 1 or 3") }
    }

    /// Batches per epoch on this rank.
    public var stepsPerEpoch: Int {
        let g = config.batchSize * config.worldSize
        return config.dropLast ? sampleCount / g : (sampleCount + g - 1) / g
    }

    /// This rank's sample positions for `epoch`, in visiting order.
    public func order(epoch: Int) -> [Int32] {
        let g = EpochOrder.global(store, field: field, order: config.order, seed: config.seed, epoch: epoch, positions: positions)
        return EpochOrder.rankSlice(
            g, batch: config.batchSize, rank: config.rank, worldSize: config.worldSize,
            dropLast: config.dropLast)
    }

    /// Starts `epoch` at `step` (resume): workers start immediately.
    public func epoch(_ epoch: Int, startingAt step: Int = 0) throws -> EpochIterator {
        guard step >= 0, step <= stepsPerEpoch else {
            throw StoreError.invalidArgument("loader: step \(step) outside 0...\(stepsPerEpoch)")
        }
        return EpochIterator(loader: self, epoch: epoch, startStep: step, order: order(epoch: epoch))
    }

    /// The sample used instead of `sample` when it fails to decode under `.substitute`: the next
    /// stored sample, or the next position of `config.positions` (wrapping).
    func substitute(after sample: Int) -> Int {
        guard let p = positions else { return (sample + 1) % store.count }
        let k = EpochOrder.lowerBound(p, Int32(sample + 1))
        return Int(p[k == p.count ? 0 : k])
    }

    /// Decoded-chunk cache: the largest resident bytes so far.
    public var cachePeakBytes: Int { store.cache.peakBytes }
    /// Decoded-chunk cache: chunk loads so far.
    public var chunkLoads: Int { store.cache.loadCount }
}
