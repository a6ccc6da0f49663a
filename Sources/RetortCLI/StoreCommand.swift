import ArgumentParser
import DataStore
import Foundation

/// `retort store`: build, inspect, verify and benchmark `.rstore` dataset files.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Build, inspect, verify, benchmark and subset Retort dataset stores (.rstore).",
        subcommands: [
            StoreBuildCommand.self, StoreInspectCommand.self, StoreVerifyCommand.self, StoreBenchCommand.self,
            StoreSubsetCommand.self,
        ]
    )
}

/// `retort store inspect FILE`.
struct StoreInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show schema, counts, sizes, compression and label histogram.")
    @Argument(help: "The store file.") var file: String

    func run() throws {
        let r = try StoreReader(path: file)
        let s = r.stats()
        print("file:        \(file)")
        print("samples:     \(r.count)")
        print("chunks:      \(r.chunkCount)")
        print("file bytes:  \(r.fileBytes)  (index \(s.indexBytes))")
        print(String(format: "fingerprint: %016llx", r.fingerprint))
        print("source:      \(r.schema.source)")
        print(
            "writer:      \(r.schema.writer), shuffle seed \(r.schema.shuffleSeed.map(String.init) ?? "none"), chunk \(r.schema.chunkBytes) B, zstd level \(r.schema.zstdLevel)"
        )
        print("fields:")
        for f in s.fields {
            let ratio = f.storedBytes > 0 ? Double(f.rawBytes) / Double(f.storedBytes) : 0
            let spec = r.schema.fields.first { $0.name == f.name }
            let label = "  " + pad(f.name, 14) + " " + pad(f.kind.rawValue, 12) + " " + pad(spec?.imageCodec?.rawValue ?? "-", 5)
            print(label + String(format: " chunks %6d  stored %12d B  raw %12d B  ratio %.3f", f.chunks, f.storedBytes, f.rawBytes, ratio))
        }
        if r.count > 0, let f = r.schema.imageFieldIndex, let info = try r.imageInfo(sample: 0, field: f) {
            print("first image: \(info.height)x\(info.width)x\(info.channels) \(info.codec.rawValue)")
        }
        if r.schema.hasLabels {
            print("labels:")
            for (label, n) in s.labelHistogram.sorted(by: { $0.key < $1.key }) {
                let name = label >= 0 && Int(label) < r.schema.classNames.count ? r.schema.classNames[Int(label)] : ""
                print(String(format: "  %4d ", label) + pad(name, 16) + String(format: " %8d", n))
            }
        }
    }
}

/// Left-justifies `s` in `n` columns.
func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

/// `retort store verify FILE`: exit 0 only when every checksum and decode is clean.
struct StoreVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every checksum and decode every sample.")
    @Argument(help: "The store file.") var file: String
    @Option(help: "Print at most this many problems.") var maxProblems = 20

    func run() throws {
        let r: StoreReader
        do { r = try StoreReader(path: file) } catch {
            print("FAILED: \(error)")
            throw ExitCode(1)
        }
        let problems = r.verify()
        if problems.isEmpty {
            print("OK: \(r.count) samples, \(r.chunkCount) chunks, all checksums and decodes clean")
            return
        }
        for p in problems.prefix(maxProblems) { print("FAILED: \(p)") }
        print("\(problems.count) problem(s) in \(file)")
        throw ExitCode(1)
    }
}

/// `retort store bench FILE`: loader throughput for a chosen pipeline.
struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure loader throughput (images/s) for a pipeline.")
    @Argument(help: "The store file.") var file: String
    @Option(
        help:
            "Pipeline: ssl (2 views: RRC, flip, jitter, grayscale), multicrop (2 large + 6 small), rrc (1 view RRC + flip), padcrop (pad 4 + crop + flip)."
    )
    var pipeline = "ssl"
    @Option(help: "Output size of the (large) views; default: the stored image size.") var size: Int?
    @Option(help: "Batch size.") var batch = 256
    @Option(help: "Worker threads.") var workers = 2
    @Option(help: "Batches to time.") var batches = 50
    @Option(help: "Order: sequential, random, quasi.") var order = "quasi"
    @Option(help: "Quasi-random window in chunks.") var window = 32
    @Flag(help: "Read batches in place (EpochIterator.withNext) instead of copying them out.") var zeroCopy = false
    @Flag(help: "Skip the raw decode-rate measurement.") var noDecodeRate = false

    func run() throws {
        let probe = try StoreReader(path: file, cacheBytes: 0)
        guard let f = probe.schema.imageFieldIndex, probe.count > 0, let info = try probe.imageInfo(sample: 0, field: f) else {
            throw ValidationError("\(file) has no image field or no samples")
        }
        let s = size ?? info.height
        guard let preset = ViewSpec.Preset(rawValue: pipeline) else {
            throw ValidationError("unknown pipeline \(pipeline) (\(ViewSpec.Preset.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var cfg = LoaderConfig(batchSize: batch, views: ViewSpec.views(preset: preset, size: s))
        cfg.workers = workers
        switch order {
        case "sequential": cfg.order = .sequential
        case "random": cfg.order = .random
        case "quasi": cfg.order = .quasiRandom(windowChunks: window)
        default: throw ValidationError("unknown order \(order)")
        }
        let loader = try Loader(path: file, config: cfg)
        let r = try LoaderBench.measure(loader, maxBatches: batches, zeroCopy: zeroCopy)
        print(
            String(
                format:
                    "%@: %d images in %.2f s = %.0f images/s (%d workers, batch %d, %@ order, %d views); %.0f images per CPU-second (%.1f us CPU per image)",
                pipeline, r.images, r.seconds, r.imagesPerSecond, workers, batch, order, cfg.views.count,
                r.imagesPerCPUSecond, 1e6 / r.imagesPerCPUSecond))
        print("decoded-chunk cache peak: \(loader.cachePeakBytes) B, chunk loads \(loader.chunkLoads)")
        if noDecodeRate { return }
        let d = try LoaderBench.decodeRate(probe, field: f)
        print(
            String(
                format: "raw chunk decode (1 thread): %.0f MB/s = %.0f samples/s; loader / decode = %.3f",
                d.bytesPerSecond / 1e6, d.samplesPerSecond, r.imagesPerSecond / d.samplesPerSecond))
    }
}
