import ArgumentParser
import Backbones
import Foundation
import NN
import Recipes
import Support

/// `retort probe CHECKPOINT --train STORE --test STORE`: linear probe and kNN on frozen features;
/// with `--dense`, the per-pixel linear probe on frozen feature maps (mIoU, pixel accuracy).
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Linear probe and kNN on frozen features (--dense: per-pixel probe on feature maps).",
        discussion: """
            --dense needs stores with a per-pixel label map (`retort store build fashion-mnist-mosaic`): a 1x1 \
            convolution on the backbone's last-stage map, its logits upsampled bilinearly to the label \
            resolution, fitted on sampled pixels of the first --train-images training images with the \
            weight decay chosen on a held-out tenth of them; reports mIoU and pixel accuracy on the test store.
            """
    )

    @OptionGroup var input: CheckpointArguments
    @Option(help: "The train store.")
    var train: String
    @Option(help: "The test store.")
    var test: String
    @Option(help: "Write the report as JSON here (default: beside the checkpoint, <name>.probe.json).")
    var json: String?
    @Flag(help: "Skip the linear probe.")
    var noLinear = false
    @Flag(help: "Skip kNN.")
    var noKnn = false
    @Flag(help: "Dense probe: per-pixel linear classifier on the last-stage feature maps.")
    var dense = false
    @Option(help: "Dense probe: write input | truth | prediction PNGs of the first test images here.")
    var outMasks: String?
    @Option(help: "Dense probe: training images (at least 5000 unless the store has fewer).")
    var trainImages: Int = 5000
    @Option(help: "Dense probe: pixels sampled per training image.")
    var pixelsPerImage: Int = 32
    @Option(help: "Dense probe: L-BFGS iterations per fit.")
    var iterations: Int = 100

    func run() throws {
        try reportingErrors {
            let (loaded, mean, std) = try input.load()
            let url = input.url
            if dense { return try runDense(loaded.backbone, url: url, mean: mean, std: std, channels: loaded.options.inChannels) }
            let trainF = try FeatureExtractor.extract(
                loaded.backbone, storePath: train, mean: mean, std: std,
                channels: loaded.options.inChannels)
            let testF = try FeatureExtractor.extract(
                loaded.backbone, storePath: test, mean: mean, std: std,
                channels: loaded.options.inChannels)
            let report = try Probe.run(
                train: trainF, test: testF, source: url.lastPathComponent, eval: EvalOptions(),
                classCount: nil, linear: !noLinear, knn: !noKnn)
            print(report.table(), terminator: "")
            let out = json.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension("probe.json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(report), to: out)
            print("report: \(out.path)")
        }
    }

    /// `--dense`: runs `DenseProbe` and writes its report (`<name>.dense.json` beside the checkpoint by default).
    func runDense<B: Backbone>(_ backbone: B, url: URL, mean: [Float], std: [Float], channels: Int) throws {
        guard trainImages >= 1, pixelsPerImage >= 1, iterations >= 1 else {
            throw ValidationError("--train-images, --pixels-per-image and --iterations must be >= 1")
        }
        var options = DenseProbeOptions()
        options.trainImages = trainImages
        options.pixelsPerImage = pixelsPerImage
        options.maxIterations = iterations
        let result = try DenseProbe.run(
            backbone, train: train, test: test, mean: mean, std: std, channels: channels, options: options,
            masks: outMasks.map { URL(fileURLWithPath: $0, isDirectory: true) },
            progress: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        print(result.table(), terminator: "")
        let out = json.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension("dense.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(result), to: out)
        print("report: \(out.path)")
    }
}
