import Foundation
import Kernels

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

    /// Opens `path` with a chunk cache sized for the configured order.
    public convenience init(path: String, config: LoaderConfig) throws {
        let probe = try StoreReader(path: path, cacheBytes: 0)
        var maxChunk = 1
        for c in 0..<probe.chunkCount { maxChunk = max(maxChunk, Int(probe.chunk(c).rawLength)) }
        let budget: Int
        if case .quasiRandom(let w) = config.order {
            budget = (w + config.workers + 2) * maxChunk
        } else {
            budget = config.cacheBytes
        }
        try self.init(store: StoreReader(path: path, cacheBytes: budget), config: config)
    }

    /// Uses an open store (its cache budget applies).
    public init(store: StoreReader, config: LoaderConfig) throws {
        guard config.workers >= 1, config.prefetchBatches >= 1, config.worldSize >= 1,
              config.rank >= 0, config.rank < config.worldSize else {
            throw StoreError.invalidArgument("loader: need workers >= 1, prefetch >= 1, 0 <= rank < worldSize")
        }
        let f: Int?
        if let name = config.imageField { f = store.schema.fieldIndex(name) } else { f = store.schema.imageFieldIndex }
        guard let f, store.schema.fields[f].kind == .image else {
            throw StoreError.invalidArgument("\(store.path): no image field \(config.imageField ?? "(first)")")
        }
        guard store.count > 0 else { throw StoreError.invalidArgument("\(store.path): store is empty") }
        self.store = store
        self.config = config
        self.field = f
        self.channels = try config.channels ?? (store.imageInfo(sample: 0, field: f)?.channels ?? 3)
        guard channels == 1 || channels == 3 else { throw StoreError.invalidArgument("loader: channels must be 1 or 3") }
    }

    /// Batches per epoch on this rank.
    public var stepsPerEpoch: Int {
        let g = config.batchSize * config.worldSize
        return config.dropLast ? store.count / g : (store.count + g - 1) / g
    }

    /// This rank's sample positions for `epoch`, in visiting order.
    public func order(epoch: Int) -> [Int32] {
        let g = EpochOrder.global(store, field: field, order: config.order, seed: config.seed, epoch: epoch)
        return EpochOrder.rankSlice(g, batch: config.batchSize, rank: config.rank, worldSize: config.worldSize,
                                    dropLast: config.dropLast)
    }

    /// Starts `epoch` at `step` (resume): workers start immediately.
    public func epoch(_ epoch: Int, startingAt step: Int = 0) throws -> EpochIterator {
        guard step >= 0, step <= stepsPerEpoch else {
            throw StoreError.invalidArgument("loader: step \(step) outside 0...\(stepsPerEpoch)")
        }
        return EpochIterator(loader: self, epoch: epoch, startStep: step, order: order(epoch: epoch))
    }

    /// Decoded-chunk cache: the largest resident bytes so far.
    public var cachePeakBytes: Int { store.cache.peakBytes }
    /// Decoded-chunk cache: chunk loads so far.
    public var chunkLoads: Int { store.cache.loadCount }
}

/// Preallocated outputs for one batch.
final class BatchSlot: @unchecked Sendable {
    let pixels: [UnsafeMutablePointer<Float>]
    let params: [UnsafeMutablePointer<ViewParams>]
    let labels: UnsafeMutablePointer<Int32>
    let ids: UnsafeMutablePointer<UInt64>
    let indices: UnsafeMutablePointer<Int>
    let batch: Int

    init(batch: Int, viewSizes: [Int]) {
        self.batch = batch
        pixels = viewSizes.map { let p = UnsafeMutablePointer<Float>.allocate(capacity: batch * $0); p.initialize(repeating: 0, count: batch * $0); return p }
        let blank = ViewParams(srcHeight: 0, srcWidth: 0, top: 0, left: 0, height: 0, width: 0, flipped: false, outHeight: 0, outWidth: 0)
        params = viewSizes.map { _ in let p = UnsafeMutablePointer<ViewParams>.allocate(capacity: batch); p.initialize(repeating: blank, count: batch); return p }
        labels = .allocate(capacity: batch); labels.initialize(repeating: 0, count: batch)
        ids = .allocate(capacity: batch); ids.initialize(repeating: 0, count: batch)
        indices = .allocate(capacity: batch); indices.initialize(repeating: 0, count: batch)
    }
    deinit {
        for p in pixels { p.deallocate() }
        for p in params { p.deinitialize(count: batch); p.deallocate() }
        labels.deallocate(); ids.deallocate(); indices.deallocate()
    }
}

/// Shared state between the consumer and the workers of one epoch.
final class EpochState: @unchecked Sendable {
    let cond = NSCondition()
    var next = 0
    var limit: Int
    var consumed = 0
    var done: [Int]
    var error: Error?
    var stop = false
    let total: Int
    let slots: [BatchSlot]

    init(total: Int, batch: Int, ring: Int, viewSizes: [Int]) {
        self.total = total
        slots = (0..<ring).map { _ in BatchSlot(batch: batch, viewSizes: viewSizes) }
        done = Array(repeating: 0, count: ring)
        limit = min(total, ring * batch)
    }
}

/// Iterates the batches of one epoch; stops its workers when released.
public final class EpochIterator {
    /// The epoch.
    public let epoch: Int
    /// The next step to be returned.
    public private(set) var step: Int
    private let loader: Loader
    private let state: EpochState
    private let steps: Int
    private let viewSizes: [Int]

    init(loader: Loader, epoch: Int, startStep: Int, order: [Int32]) {
        self.loader = loader
        self.epoch = epoch
        self.step = startStep
        let cfg = loader.config
        let b = cfg.batchSize
        steps = order.count / b
        let c = loader.channels
        viewSizes = cfg.views.map { c * $0.outHeight * $0.outWidth }
        let ring = cfg.prefetchBatches
        state = EpochState(total: (steps - startStep) * b, batch: b, ring: ring, viewSizes: viewSizes)
        for _ in 0..<cfg.workers {
            let st = state, ld = loader, sizes = viewSizes, ep = epoch, base = startStep * b
            let t = Thread { Loader.work(ld, st, order, ep, base, sizes) }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    deinit {
        state.cond.lock()
        state.stop = true
        state.cond.broadcast()
        state.cond.unlock()
    }

    /// The next batch, or nil at the end of the epoch; throws the first sample error (naming
    /// file and sample), after which the epoch is over.
    public func next() throws -> Batch? {
        guard step < steps else { return nil }
        let local = step - (steps - state.total / loader.config.batchSize)
        let slotIndex = local % state.slots.count
        state.cond.lock()
        while state.done[slotIndex] < loader.config.batchSize && state.error == nil { state.cond.wait() }
        if let e = state.error {
            state.stop = true
            state.cond.broadcast()
            state.cond.unlock()
            step = steps
            throw e
        }
        state.cond.unlock()
        let slot = state.slots[slotIndex]
        let b = loader.config.batchSize
        let c = loader.channels
        var views: [ViewBatch] = []
        for (v, spec) in loader.config.views.enumerated() {
            views.append(ViewBatch(pixels: Array(UnsafeBufferPointer(start: slot.pixels[v], count: b * viewSizes[v])),
                                   shape: [b, c, spec.outHeight, spec.outWidth],
                                   params: Array(UnsafeBufferPointer(start: slot.params[v], count: b))))
        }
        let batch = Batch(epoch: epoch, step: step, views: views,
                          labels: Array(UnsafeBufferPointer(start: slot.labels, count: b)),
                          sampleIDs: Array(UnsafeBufferPointer(start: slot.ids, count: b)),
                          indices: Array(UnsafeBufferPointer(start: slot.indices, count: b)))
        state.cond.lock()
        state.done[slotIndex] = 0
        state.consumed += 1
        state.limit = min(state.total, (state.consumed + state.slots.count) * b)
        state.cond.broadcast()
        state.cond.unlock()
        step += 1
        return batch
    }
}

extension Loader {
    /// A worker: pull a sample position, decode once, render every view into its slot.
    static func work(_ loader: Loader, _ state: EpochState, _ order: [Int32], _ epoch: Int, _ base: Int, _ viewSizes: [Int]) {
        let cfg = loader.config
        let store = loader.store
        let b = cfg.batchSize
        let C = loader.channels
        let decoder = ImageDecoder()
        let augmenter = Augmenter()
        var converted: [UInt8] = []
        while true {
            state.cond.lock()
            while !state.stop && state.next < state.total && state.next >= state.limit { state.cond.wait() }
            if state.stop || state.next >= state.total { state.cond.unlock(); return }
            let k = state.next
            state.next += 1
            state.cond.unlock()
            let slotIndex = (k / b) % state.slots.count
            let slot = state.slots[slotIndex]
            let j = k % b
            let sample = Int(order[base + k])
            do {
                let id = store.sampleID(sample)
                try decoder.withImage(store, sample: sample, field: loader.field) { px, h, w, c in
                    var src = px
                    if c != C {
                        if converted.count < h * w * C { converted = [UInt8](repeating: 0, count: h * w * C) }
                        converted.withUnsafeMutableBufferPointer { d in
                            for i in 0..<(h * w) {
                                if C == 3 { d[3 * i] = px[i]; d[3 * i + 1] = px[i]; d[3 * i + 2] = px[i] } else {
                                    let r: Float = Float(px[3 * i]) * 0.2989
                                    let g: Float = Float(px[3 * i + 1]) * 0.587
                                    let bl: Float = Float(px[3 * i + 2]) * 0.114
                                    d[i] = UInt8(min(Float(255), (r + g + bl).rounded()))
                                }
                            }
                        }
                    }
                    try converted.withUnsafeBufferPointer { cv in
                        if c != C { src = cv.baseAddress! }
                        for (v, spec) in cfg.views.enumerated() {
                            let p = cfg.replay?(id, v)
                                ?? spec.draw(seed: cfg.seed, epoch: epoch, sampleID: id, view: v, srcHeight: h, srcWidth: w)
                            guard p.outHeight == spec.outHeight, p.outWidth == spec.outWidth else {
                                throw StoreError.invalidArgument("\(store.path): sample \(sample): replayed view \(v) is \(p.outHeight)x\(p.outWidth), the loader's view is \(spec.outHeight)x\(spec.outWidth)")
                            }
                            try augmenter.render(src: src, height: h, width: w, channels: C, params: p,
                                                 mean: spec.mean, std: spec.std, into: slot.pixels[v] + j * viewSizes[v])
                            slot.params[v][j] = p
                        }
                    }
                }
                slot.labels[j] = store.label(sample)
                slot.ids[j] = id
                slot.indices[j] = sample
            } catch {
                state.cond.lock()
                if state.error == nil { state.error = error }
                state.cond.broadcast()
                state.cond.unlock()
                continue
            }
            state.cond.lock()
            state.done[slotIndex] += 1
            if state.done[slotIndex] == b { state.cond.broadcast() }
            state.cond.unlock()
        }
    }
}
