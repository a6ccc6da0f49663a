import ArgumentParser
import Foundation
import NN
import Recipes

/// `retort probe CHECKPOINT --train STORE --test STORE`: linear probe and kNN on frozen features.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", abstract: "Linear probe and kNN on frozen features.")

    @Argument(help: "A backbone checkpoint (.safetensors).")
    var checkpoint: String
    @Option(help: "The train store.")
    var train: String
    @Option(help: "The test store.")
    var test: String
    @OptionGroup var modelArguments: ModelArguments
    @Option(help: "Write the report as JSON here (default: beside the checkpoint, <name>.probe.json).")
    var json: String?
    @Flag(help: "Skip the linear probe.")
    var noLinear = false
    @Flag(help: "Skip kNN.")
    var noKnn = false
    @Option(help: "Worker threads.")
    var threads: Int = 2

    func run() throws {
        try reportingErrors {
            setThreads(threads)
            let url = URL(fileURLWithPath: checkpoint)
            let loaded = try CheckpointModel.load(url, model: try modelArguments.modelOptions())
            let norm = try modelArguments.normalization(fallback: loaded.normalization, channels: loaded.options.inChannels)
            let trainF = try FeatureExtractor.extract(loaded.backbone, storePath: train, mean: norm.mean, std: norm.std,
                                                      channels: loaded.options.inChannels)
            let testF = try FeatureExtractor.extract(loaded.backbone, storePath: test, mean: norm.mean, std: norm.std,
                                                     channels: loaded.options.inChannels)
            let report = try Probe.run(train: trainF, test: testF, source: url.lastPathComponent, eval: EvalOptions(),
                                       classCount: nil, linear: !noLinear, knn: !noKnn)
            print(report.table(), terminator: "")
            let out = json.map { URL(fileURLWithPath: $0) } ?? url.deletingPathExtension().appendingPathExtension("probe.json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(report), to: out)
            print("report: \(out.path)")
        }
    }
}
