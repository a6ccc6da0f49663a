import Foundation

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
    private var mixScratch: [Float] = []

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
        state = EpochState(
            total: (steps - startStep) * b, batch: b, ring: ring, viewSizes: viewSizes, texts: loader.textField != nil,
            encoded: loader.textField != nil && loader.config.text != nil)
        let schedule = loader.chunkSchedule(order, from: startStep * b)
        for _ in 0..<cfg.workers {
            let st = state
            let ld = loader
            let sizes = viewSizes
            let ep = epoch
            let base = startStep * b
            let t = Thread { Loader.work(ld, st, order, ep, base, sizes, schedule) }
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
        var b = Batch(epoch: epoch, step: 0, views: [], labels: [], sampleIDs: [], indices: [])
        return try next(into: &b) ? b : nil
    }

    /// Samples replaced under `DecodeErrorPolicy.substitute` so far, with their errors.
    public var substitutions: [(sample: Int, error: StoreError)] {
        state.cond.lock()
        defer { state.cond.unlock() }
        return state.substitutions
    }

    /// Like `next()`, but copies into `batch`, reusing its arrays' storage when they are uniquely
    /// held and the right size (no allocation per batch in a steady-state loop). Returns false at
    /// the end of the epoch.
    public func next(into batch: inout Batch) throws -> Bool {
        let got: Bool? = try withNext { (ref: BatchBuffers) -> Bool in
            func fill<T>(_ a: inout [T]?, _ src: UnsafeBufferPointer<T>) {
                if a == nil { a = Array(src) } else { fill(&a!, src) }
            }
            func fill<T>(_ a: inout [T], _ src: UnsafeBufferPointer<T>) {
                if a.count == src.count {
                    a.withUnsafeMutableBufferPointer { d in d.baseAddress!.update(from: src.baseAddress!, count: src.count) }
                } else {
                    a = Array(src)
                }
            }
            if batch.views.count != ref.pixels.count {
                batch.views = ref.shapes.map { ViewBatch(pixels: [], shape: $0, params: []) }
            }
            for v in ref.pixels.indices {
                batch.views[v].shape = ref.shapes[v]
                fill(&batch.views[v].pixels, ref.pixels[v])
                fill(&batch.views[v].params, ref.params[v])
            }
            fill(&batch.labels, ref.labels)
            fill(&batch.sampleIDs, ref.sampleIDs)
            fill(&batch.indices, ref.indices)
            if let t = ref.texts { fill(&batch.texts, t) } else { batch.texts = nil }
            if let e = ref.encodedTexts { fill(&batch.encodedTexts, e) } else { batch.encodedTexts = nil }
            batch.mix = ref.mix
            batch.epoch = ref.epoch
            batch.step = ref.step
            return true
        }
        return got ?? false
    }

    /// Zero-copy access: waits for the next batch and calls `body` with views of the loader's own
    /// ring slot (valid only inside `body`; the slot is recycled when it returns). Returns nil at the
    /// end of the epoch.
    public func withNext<R>(_ body: (BatchBuffers) throws -> R) throws -> R? {
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
        let views = loader.config.views
        // Batch mixing (off: one nil check per batch): the same draw for every view, keyed by the step.
        var mix: MixParams? = nil
        if let mc = loader.config.mix,
            let p = BatchMix.draw(
                mc, batchSize: b, height: views[0].outHeight, width: views[0].outWidth,
                seed: loader.config.seed, epoch: epoch, step: step)
        {
            for v in views.indices {
                BatchMix.apply(
                    p, to: UnsafeMutableBufferPointer(start: slot.pixels[v], count: b * viewSizes[v]),
                    shape: [b, c, views[v].outHeight, views[v].outWidth],
                    boxSpace: (views[0].outHeight, views[0].outWidth), scratch: &mixScratch)
            }
            mix = p
        }
        defer {
            state.cond.lock()
            state.done[slotIndex] = 0
            state.consumed += 1
            state.limit = min(state.total, (state.consumed + state.slots.count) * b)
            state.cond.broadcast()
            state.cond.unlock()
            step += 1
        }
        let ref = BatchBuffers(
            epoch: epoch, step: step,
            pixels: views.indices.map { UnsafeBufferPointer(start: slot.pixels[$0], count: b * viewSizes[$0]) },
            shapes: views.map { [b, c, $0.outHeight, $0.outWidth] },
            params: views.indices.map { UnsafeBufferPointer(start: slot.params[$0], count: b) },
            labels: UnsafeBufferPointer(start: slot.labels, count: b),
            sampleIDs: UnsafeBufferPointer(start: slot.ids, count: b),
            indices: UnsafeBufferPointer(start: slot.indices, count: b),
            mix: mix,
            texts: slot.texts.map { UnsafeBufferPointer(start: $0, count: b) },
            encodedTexts: slot.encoded.map { UnsafeBufferPointer(start: $0, count: b) })
        return try body(ref)
    }
}

/// A borrowed view of one batch inside the loader's ring (see `EpochIterator.withNext`).
public struct BatchBuffers {
    /// The epoch.
    public let epoch: Int
    /// The step within the epoch.
    public let step: Int
    /// Per view: normalised pixels [N, C, H, W].
    public let pixels: [UnsafeBufferPointer<Float>]
    /// Per view: [N, C, H, W].
    public let shapes: [[Int]]
    /// Per view: one parameter record per sample.
    public let params: [UnsafeBufferPointer<ViewParams>]
    /// Labels [N].
    public let labels: UnsafeBufferPointer<Int32>
    /// Sample ids [N].
    public let sampleIDs: UnsafeBufferPointer<UInt64>
    /// Stored positions [N].
    public let indices: UnsafeBufferPointer<Int>
    /// The batch mixing applied to the pixels (already in `pixels`), nil when not mixed.
    public let mix: MixParams?
    /// Per sample text (captions), nil when the loader reads no text field.
    public let texts: UnsafeBufferPointer<String>?
    /// Per sample tokenised caption, nil when the loader has no `TextPipeline`.
    public let encodedTexts: UnsafeBufferPointer<EncodedText>?
}
