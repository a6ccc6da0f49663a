import Foundation

/// Throughput measurement shared by `retort store bench` and `retort-bench store`.
public enum LoaderBench {
    /// The result of a timed run.
    public struct Result: Sendable {
        /// Images (samples) delivered.
        public var images: Int
        /// Wall seconds.
        public var seconds: Double
        /// Process CPU seconds (user + system, all threads) over the timed span.
        public var cpuSeconds: Double = 0
        /// Images per second.
        public var imagesPerSecond: Double { Double(images) / max(seconds, 1e-9) }
        /// Images per process CPU second: robust to other load on the machine.
        public var imagesPerCPUSecond: Double { Double(images) / max(cpuSeconds, 1e-9) }
        /// A result.
        public init(images: Int, seconds: Double, cpuSeconds: Double = 0) {
            self.images = images
            self.seconds = seconds
            self.cpuSeconds = cpuSeconds
        }
    }

    /// Process CPU time (user + system) in seconds.
    public static func cpuTime() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// Runs up to `maxBatches` batches of `epoch` (after `warmup` untimed batches) and times them;
    /// `zeroCopy` reads batches in place (`withNext`) instead of copying them out (`next(into:)`).
    public static func measure(_ loader: Loader, epoch: Int = 0, warmup: Int = 2, maxBatches: Int = .max, zeroCopy: Bool = false) throws -> Result {
        let it = try loader.epoch(epoch)
        var batch = Batch(epoch: epoch, step: 0, views: [], labels: [], sampleIDs: [], indices: [])
        for _ in 0..<warmup { _ = try it.next(into: &batch) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let c0 = cpuTime()
        var images = 0
        var batches = 0
        if zeroCopy {
            while batches < maxBatches, let n = try it.withNext({ $0.labels.count }) {
                images += n
                batches += 1
            }
        } else {
            while batches < maxBatches, try it.next(into: &batch) {
                images += batch.labels.count
                batches += 1
            }
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        return Result(images: images, seconds: Double(t1 - t0) / 1e9, cpuSeconds: cpuTime() - c0)
    }

    /// The raw chunk decode rate: checksum + zstd decompression of every chunk of `field`, single
    /// thread, repeated until at least `minSeconds`. Returns (bytes/s, samples/s).
    public static func decodeRate(_ store: StoreReader, field: Int, minSeconds: Double = 0.5) throws -> (
        bytesPerSecond: Double, samplesPerSecond: Double
    ) {
        var bytes = 0
        var samples = 0
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
