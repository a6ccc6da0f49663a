import Foundation

/// Throughput measurement shared by `retort store bench` and `retort-bench store`.
public enum LoaderBench {
    /// The result of a timed run.
    public struct Result: Sendable {
        /// Images (samples) delivered.
        public var images: Int
        /// Wall seconds.
        public var seconds: Double
        /// Images per second.
        public var imagesPerSecond: Double { Double(images) / max(seconds, 1e-9) }
        /// A result.
        public init(images: Int, seconds: Double) { self.images = images; self.seconds = seconds }
    }

    /// Runs up to `maxBatches` batches of `epoch` (after `warmup` untimed batches) and times them.
    public static func measure(_ loader: Loader, epoch: Int = 0, warmup: Int = 2, maxBatches: Int = .max) throws -> Result {
        let it = try loader.epoch(epoch)
        for _ in 0..<warmup { _ = try it.next() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        var images = 0, batches = 0
        while batches < maxBatches, let b = try it.next() { images += b.labels.count; batches += 1 }
        let t1 = DispatchTime.now().uptimeNanoseconds
        return Result(images: images, seconds: Double(t1 - t0) / 1e9)
    }

    /// The raw chunk decode rate: checksum + zstd decompression of every chunk of `field`, single
    /// thread, repeated until at least `minSeconds`. Returns (bytes/s, samples/s).
    public static func decodeRate(_ store: StoreReader, field: Int, minSeconds: Double = 0.5) throws -> (bytesPerSecond: Double, samplesPerSecond: Double) {
        var bytes = 0, samples = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            for c in 0..<store.chunkCount {
                let e = store.chunk(c)
                guard Int(e.field) == field else { continue }
                let d = try store.loadChunk(c)
                bytes += d.count
                samples += Int(e.sampleCount)
            }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        } while elapsed < minSeconds
        return (Double(bytes) / elapsed, Double(samples) / elapsed)
    }
}
