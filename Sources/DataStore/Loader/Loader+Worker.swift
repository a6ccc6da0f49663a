import Foundation

/// One worker thread's reusable state: decoder handles, resize scratch, channel-conversion buffer
/// and the current sample's view parameters.
final class WorkerScratch {
    let decoder = ImageDecoder()
    let augmenter = Augmenter()
    var converted: [UInt8] = []
    var params: [ViewParams]

    init(views: Int) {
        params = Array(
            repeating: ViewParams(
                srcHeight: 0, srcWidth: 0, top: 0, left: 0, height: 0, width: 0, flipped: false,
                outHeight: 0, outWidth: 0), count: views)
    }
}

extension Loader {
    /// A worker: pull a few consecutive sample positions (never across a batch), render each into
    /// its slot (substituting undecodable samples when the policy says so), count them done with the
    /// next pull (one lock per group, not two per sample); the first error ends the epoch.
    static func work(
        _ loader: Loader, _ state: EpochState, _ order: [Int32], _ epoch: Int, _ base: Int, _ viewSizes: [Int],
        _ schedule: (first: [Int32], last: [Int32])
    ) {
        let prefetch = schedule.first
        let lastUse = schedule.last
        let distance = loader.prefetchDistance
        let b = loader.config.batchSize
        let scratch = WorkerScratch(views: loader.config.views.count)
        var k = 0
        var end = 0
        var finished = 0
        while true {
            if k == end {
                state.cond.lock()
                if finished > 0 {
                    let s = ((k - 1) / b) % state.slots.count
                    state.done[s] += finished
                    if state.done[s] == b { state.cond.broadcast() }
                    finished = 0
                }
                while !state.stop && state.next < state.total && state.next >= state.limit { state.cond.wait() }
                if state.stop || state.next >= state.total {
                    state.cond.unlock()
                    return
                }
                k = state.next
                end = min(k + Loader.claimGroup, state.limit, (k / b + 1) * b)
                state.next = end
                state.cond.unlock()
            }
            // Decode the chunk whose first use is `distance` samples ahead now, so that no worker
            // waits for a chunk another worker is decompressing.
            if k + distance < prefetch.count, prefetch[k + distance] >= 0 {
                loader.store.cache.prefetch(Int(prefetch[k + distance]), reader: loader.store)
            }
            // Start fetching the next claimed sample's pixels into the cache while this one renders.
            if k + 1 < end { loader.store.prefetchBytes(sample: Int(order[base + k + 1]), field: loader.field) }
            let slotIndex = (k / b) % state.slots.count
            var sample = Int(order[base + k])
            var attempts = 0
            k += 1
            do {
                while true {
                    do {
                        try loader.render(
                            sample: sample, epoch: epoch, into: state.slots[slotIndex], at: (k - 1) % b,
                            viewSizes: viewSizes, scratch: scratch)
                        break
                    } catch let e as StoreError {
                        guard case .sampleDecode = e, loader.config.onDecodeError == .substitute, attempts < 8 else { throw e }
                        attempts += 1
                        state.cond.lock()
                        state.substitutions.append((sample, e))
                        state.cond.unlock()
                        sample = loader.substitute(after: sample)
                    }
                }
            } catch {
                state.cond.lock()
                if state.error == nil { state.error = error }
                state.cond.broadcast()
                state.cond.unlock()
                continue
            }
            finished += 1
            // The epoch is done with this chunk: free it now rather than when the cache is full
            // (LRU would otherwise also pick chunks the quasi-random window still draws from).
            if k - 1 < lastUse.count, lastUse[k - 1] >= 0 { loader.store.cache.evict(Int(lastUse[k - 1])) }
        }
    }

    /// Positions a worker claims at a time.
    static let claimGroup = 8

    /// How many samples ahead of its first use a chunk is decoded: about one chunk's worth of
    /// samples (8...128), so that about one chunk is decoded ahead (the cache budget holds two extra).
    var prefetchDistance: Int {
        let chunks = (0..<store.chunkCount).reduce(0) { $0 + (Int(store.chunk($1).field) == field ? 1 : 0) }
        return min(128, max(8, sampleCount / max(chunks, 1)))
    }

    /// For positions `base...` of `order`: the image-field chunk first used at each position and the
    /// chunk last used at each position (-1 elsewhere), for the quasi-random and sequential orders
    /// (under `.random` nearly every early position is a first use and chunks recur: no schedule).
    func chunkSchedule(_ order: [Int32], from base: Int) -> (first: [Int32], last: [Int32]) {
        if case .random = config.order { return ([], []) }
        let n = max(order.count - base, 0)
        var seen = [Bool](repeating: false, count: store.chunkCount)
        var first = [Int32](repeating: -1, count: n)
        var last = [Int32](repeating: -1, count: n)
        var chunks = [Int32](repeating: -1, count: n)
        for k in 0..<n {
            let c = store.location(sample: Int(order[base + k]), field: field).chunk
            guard c < seen.count else { continue }
            chunks[k] = Int32(c)
            if !seen[c] {
                seen[c] = true
                first[k] = Int32(c)
            }
        }
        for i in seen.indices { seen[i] = false }
        for k in stride(from: n - 1, through: 0, by: -1) where chunks[k] >= 0 && !seen[Int(chunks[k])] {
            seen[Int(chunks[k])] = true
            last[k] = chunks[k]
        }
        return (first, last)
    }

    /// Draws (or replays) every view's parameters, decodes the image once (DCT-scaled when all
    /// views allow it), converts channels if needed and renders each view into slot position `j`.
    func render(sample: Int, epoch: Int, into slot: BatchSlot, at j: Int, viewSizes: [Int], scratch: WorkerScratch) throws {
        let C = channels
        let id = store.sampleID(sample)
        guard let info = try store.imageInfo(sample: sample, field: field) else {
            throw StoreError.invalidArgument("\(store.path): field \(field) is not an image field")
        }
        var denom = config.jpegDCTScaling && info.codec == .jpeg ? 8 : 1
        let views = config.views.count
        for v in 0..<views {
            let p =
                config.replay?(id, v, epoch)
                ?? config.views[v].draw(seed: config.seed, epoch: epoch, sampleID: id, view: v, srcHeight: info.height, srcWidth: info.width)
            guard p.outHeight == config.views[v].outHeight, p.outWidth == config.views[v].outWidth, p.srcHeight == info.height,
                p.srcWidth == info.width
            else {
                throw StoreError.invalidArgument(
                    "\(store.path): sample \(sample): view \(v) parameters are for a \(p.srcHeight)x\(p.srcWidth) source and \(p.outHeight)x\(p.outWidth) output; the sample is \(info.height)x\(info.width) and the view \(config.views[v].outHeight)x\(config.views[v].outWidth)"
                )
            }
            scratch.params[v] = p
            // The largest DCT scale denominator that still downsamples every view.
            while denom > 1 && (!p.resampled || p.height < denom * p.outHeight || p.width < denom * p.outWidth) { denom /= 2 }
        }
        /// Converts channels if needed and renders every view from `px` (`h` x `w` x `c`, at `window`).
        func renderViews(_ px: UnsafePointer<UInt8>, _ h: Int, _ w: Int, _ c: Int, _ window: SourceWindow) throws {
            if c != C {
                if scratch.converted.count < h * w * C { scratch.converted = [UInt8](repeating: 0, count: h * w * C) }
                scratch.converted.withUnsafeMutableBufferPointer { d in
                    for i in 0..<(h * w) {
                        if C == 3 {
                            d[3 * i] = px[i]
                            d[3 * i + 1] = px[i]
                            d[3 * i + 2] = px[i]
                        } else {
                            let r: Float = Float(px[3 * i]) * 0.2989
                            let g: Float = Float(px[3 * i + 1]) * 0.587
                            let bl: Float = Float(px[3 * i + 2]) * 0.114
                            d[i] = UInt8(min(Float(255), (r + g + bl).rounded()))
                        }
                    }
                }
            }
            try scratch.converted.withUnsafeBufferPointer { cv in
                let src = c != C ? cv.baseAddress! : px
                for v in 0..<views {
                    try scratch.augmenter.render(
                        src: src, height: h, width: w, channels: C, window: window, params: scratch.params[v],
                        mean: config.views[v].mean, std: config.views[v].std, into: slot.pixels[v] + j * viewSizes[v])
                    slot.params[v][j] = scratch.params[v]
                }
            }
        }
        var done = false
        if info.codec == .jpeg && config.jpegRegionDecode, let r = jpegRegion(scratch.params, views: views, info: info, denominator: denom) {
            done =
                try scratch.decoder.withJPEGRegion(
                    store, sample: sample, field: field, info: info, jpegScaleDenominator: denom,
                    jpegFastUpsample: config.jpegFastUpsample, top: r.top, left: r.left,
                    rows: r.rows, cols: r.cols
                ) { px, h, w, c, window in
                    try renderViews(px, h, w, c, window)
                    return true
                } ?? false
        }
        if !done {
            try scratch.decoder.withImage(
                store, sample: sample, field: field, info: info, jpegScaleDenominator: denom,
                jpegFastUpsample: config.jpegFastUpsample
            ) { px, h, w, c in
                try renderViews(px, h, w, c, SourceWindow(fullHeight: h, fullWidth: w))
            }
        }
        slot.labels[j] = store.label(sample)
        slot.ids[j] = id
        slot.indices[j] = sample
        if let t = textField, let texts = slot.texts {
            texts[j] = try store.text(sample: sample, field: t)
            if let pipeline = config.text, let encoded = slot.encoded { encoded[j] = pipeline.encode(texts[j], epoch: epoch, sampleID: id) }
        }
    }
}
