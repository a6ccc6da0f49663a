import Foundation

/// Preallocated outputs for one batch.
final class BatchSlot: @unchecked Sendable {
    let pixels: [UnsafeMutablePointer<Float>]
    let params: [UnsafeMutablePointer<ViewParams>]
    let labels: UnsafeMutablePointer<Int32>
    let ids: UnsafeMutablePointer<UInt64>
    let indices: UnsafeMutablePointer<Int>
    /// Per sample text (captions), only when the loader reads a text field.
    let texts: UnsafeMutablePointer<String>?
    /// Per sample tokenised caption, only when the loader has a `TextPipeline`.
    let encoded: UnsafeMutablePointer<EncodedText>?
    let batch: Int

    init(batch: Int, viewSizes: [Int], texts: Bool = false, encoded: Bool = false) {
        self.batch = batch
        pixels = viewSizes.map {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: batch * $0)
            p.initialize(repeating: 0, count: batch * $0)
            return p
        }
        let blank = ViewParams(srcHeight: 0, srcWidth: 0, top: 0, left: 0, height: 0, width: 0, flipped: false, outHeight: 0, outWidth: 0)
        params = viewSizes.map { _ in
            let p = UnsafeMutablePointer<ViewParams>.allocate(capacity: batch)
            p.initialize(repeating: blank, count: batch)
            return p
        }
        labels = .allocate(capacity: batch)
        labels.initialize(repeating: 0, count: batch)
        ids = .allocate(capacity: batch)
        ids.initialize(repeating: 0, count: batch)
        indices = .allocate(capacity: batch)
        indices.initialize(repeating: 0, count: batch)
        if texts {
            let t = UnsafeMutablePointer<String>.allocate(capacity: batch)
            t.initialize(repeating: "", count: batch)
            self.texts = t
        } else {
            self.texts = nil
        }
        if encoded {
            let e = UnsafeMutablePointer<EncodedText>.allocate(capacity: batch)
            e.initialize(repeating: EncodedText(ids: []), count: batch)
            self.encoded = e
        } else {
            self.encoded = nil
        }
    }
    deinit {
        for p in pixels { p.deallocate() }
        for p in params {
            p.deinitialize(count: batch)
            p.deallocate()
        }
        labels.deallocate()
        ids.deallocate()
        indices.deallocate()
        if let texts {
            texts.deinitialize(count: batch)
            texts.deallocate()
        }
        if let encoded {
            encoded.deinitialize(count: batch)
            encoded.deallocate()
        }
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
    var substitutions: [(sample: Int, error: StoreError)] = []
    var stop = false
    let total: Int
    let slots: [BatchSlot]

    init(total: Int, batch: Int, ring: Int, viewSizes: [Int], texts: Bool = false, encoded: Bool = false) {
        self.total = total
        slots = (0..<ring).map { _ in BatchSlot(batch: batch, viewSizes: viewSizes, texts: texts, encoded: encoded) }
        done = Array(repeating: 0, count: ring)
        limit = min(total, ring * batch)
    }
}
