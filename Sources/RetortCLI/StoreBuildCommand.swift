import ArgumentParser
import DataStore
import Foundation
import NN
import Recipes
import Support

/// Options every `store build` subcommand shares.
struct StoreBuildOptions: ParsableArguments {
    @Option(help: "Output store file.") var out: String
    @Option(help: "Write-time shuffle seed.") var seed: UInt64 = 0
    @Flag(help: "Keep the source order (no write-time shuffle).") var noShuffle = false

    var shuffleSeed: UInt64? { noShuffle ? nil : seed }

    /// Creates the output's folder if needed, runs `ingest` with `out` and the shuffle seed, and prints
    /// the summary of the store it wrote.
    func build(_ ingest: (_ out: String, _ shuffleSeed: UInt64?) throws -> StoreSummary) throws {
        let dir = (out as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        report(try ingest(out, shuffleSeed))
    }

    private func report(_ s: StoreSummary) {
        print(
            String(
                format: "wrote %@: %d samples, %d chunks, %d bytes (raw payload %d, ratio %.3f), fingerprint %016llx",
                s.path, s.samples, s.chunks, s.fileBytes, s.rawBytes, Double(s.rawBytes) / Double(max(s.fileBytes, 1)), s.fingerprint))
    }
}

/// The options of the `store build` subcommands that read JPEG/PNG files: `--images` and the shared ones.
struct ImageFileBuildOptions: ParsableArguments {
    @Option(help: "keep (store JPEG/PNG bytes) or raw (decode, store zstd pixels).") var images = Ingest.ImagePolicy.keep
    @OptionGroup var store: StoreBuildOptions

    /// `StoreBuildOptions.build`, passing the image policy to `ingest` too.
    func build(_ ingest: (_ out: String, _ policy: Ingest.ImagePolicy, _ shuffleSeed: UInt64?) throws -> StoreSummary) throws {
        try store.build { try ingest($0, images, $1) }
    }
}

/// `retort store build ...`.
struct StoreBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build a store from a dataset.",
        subcommands: [
            BuildIDX<MNISTKind>.self, BuildIDX<FashionMNISTKind>.self, BuildFashionMNISTMosaic.self, BuildCIFAR<CIFAR10Kind>.self,
            BuildCIFAR<CIFAR100Kind>.self,
            BuildImageFolder.self, BuildCaptions.self, BuildFashionMNISTCaptions.self,
        ]
    )

    /// `store build mnist` and `store build fashion-mnist`: idx(.gz) image and label files of a split.
    struct BuildIDX<Kind: DatasetKind>: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.name, abstract: Kind.abstract) }
        @Option(help: "train or test.") var split = "train"
        @Option(help: "Folder with the idx files.") var dir = Kind.defaultDirectory
        @OptionGroup var options: StoreBuildOptions
        func run() throws {
            try options.build { try Ingest.mnist(dir: dir, split: split, fashion: Kind.variant, out: $0, shuffleSeed: $1) }
        }
    }

    /// `store build cifar10` and `store build cifar100`: the binary batch files.
    struct BuildCIFAR<Kind: DatasetKind>: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.name, abstract: Kind.abstract) }
        @Argument(help: "Batch files.") var batches: [String]
        @OptionGroup var options: StoreBuildOptions
        func run() throws {
            try options.build { try Ingest.cifar(batches: batches, hundred: Kind.variant, out: $0, shuffleSeed: $1) }
        }
    }

    struct BuildFashionMNISTCaptions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fashion-mnist-captions",
            abstract: "Fashion-MNIST with a caption per image (class synonym + attributes measured on the image; docs/datastore.md).")
        @Option(help: "train or test.") var split = "train"
        @Option(help: "Folder with the idx files.") var dir = FashionMNISTKind.defaultDirectory
        @Option(help: "Use these captions instead: one line per image, in the idx file's order.") var captions: String?
        @OptionGroup var options: StoreBuildOptions
        func run() throws {
            try options.build { try Ingest.fashionMNISTCaptions(dir: dir, split: split, out: $0, captionsFile: captions, shuffleSeed: $1) }
        }
    }

    struct BuildFashionMNISTMosaic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fashion-mnist-mosaic",
            abstract: "56x56 mosaics of 2-4 Fashion-MNIST items with a per-pixel label map (field `segmentation`).",
            discussion: "Items come from the given split only; see Sources/DataStore/FORMAT.md (mosaic stores).")
        @Option(help: "train or test.") var split = "train"
        @Option(help: "Folder with the idx files.") var dir = FashionMNISTKind.defaultDirectory
        @Option(help: "Number of mosaics (default: 20000 for train, 4000 for test).") var count: Int?
        @Option(help: "Seed of the composition (items, sizes, positions).") var mosaicSeed: UInt64 = 0
        @Option(help: "A pixel is an item's where its resampled intensity is above this (0-255).") var threshold: Int = 25
        @Option(help: "Also write a PNG of the first mosaics (image | label map) here.") var preview: String?
        @OptionGroup var options: StoreBuildOptions
        func run() throws {
            var m = MosaicOptions()
            m.count = count ?? (split == "test" ? 4000 : 20_000)
            m.seed = mosaicSeed
            guard (0...254).contains(threshold) else { throw ValidationError("--threshold must be in 0...254, got \(threshold)") }
            m.threshold = UInt8(threshold)
            try options.build { try Ingest.fashionMNISTMosaic(dir: dir, split: split, options: m, out: $0, shuffleSeed: $1) }
            if let preview {
                try AtomicFile.write(Data(try MaskPicture.mosaicPreview(dir: dir, split: split, options: m)), to: URL(fileURLWithPath: preview))
                print("preview: \(preview)")
            }
        }
    }

    struct BuildImageFolder: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "imagefolder", abstract: "One sub-folder per class with JPEG/PNG files.")
        @Argument(help: "The root folder.") var dir: String
        @OptionGroup var options: ImageFileBuildOptions
        func run() throws {
            try options.build { try Ingest.imageFolder(dir: dir, out: $0, policy: $1, shuffleSeed: $2) }
        }
    }

    struct BuildCaptions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "captions", abstract: "Image+caption list: TSV (path<TAB>caption) or JSON Lines.")
        @Argument(help: "The list file (.tsv or .jsonl).") var list: String
        @OptionGroup var options: ImageFileBuildOptions
        func run() throws {
            try options.build { try Ingest.captions(list: list, out: $0, policy: $1, shuffleSeed: $2) }
        }
    }
}

/// `--images keep|raw` (ArgumentParser lists both in its message for any other value).
extension Ingest.ImagePolicy: ExpressibleByArgument {}

/// One row of the `store build` table for the dataset families that share an ingest function: the
/// subcommand's name and abstract, its default source folder, and which member of the family it is.
protocol DatasetKind {
    static var name: String { get }
    static var abstract: String { get }
    static var defaultDirectory: String { get }
    /// Fashion-MNIST among the idx datasets, CIFAR-100 among the CIFARs.
    static var variant: Bool { get }
}

enum MNISTKind: DatasetKind {
    static let name = "mnist", abstract = "MNIST idx(.gz) files.", defaultDirectory = "/usr/share/datasets/mnist", variant = false
}
enum FashionMNISTKind: DatasetKind {
    static let name = "fashion-mnist", abstract = "Fashion-MNIST idx(.gz) files.", defaultDirectory = "/usr/share/datasets/fashion-mnist"
    static let variant = true
}
enum CIFAR10Kind: DatasetKind {
    static let name = "cifar10", abstract = "CIFAR-10 binary batches (data_batch_*.bin).", defaultDirectory = "", variant = false
}
enum CIFAR100Kind: DatasetKind {
    static let name = "cifar100", abstract = "CIFAR-100 binary batches (train.bin, test.bin).", defaultDirectory = "", variant = true
}
