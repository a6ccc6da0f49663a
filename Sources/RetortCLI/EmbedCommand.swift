import ArgumentParser
import Foundation
import NN
import Recipes
import TensorCore

/// `retort embed CHECKPOINT --store STORE --out FILE.safetensors`: features (and logits) per sample.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write pooled features [N, D] (and classifier logits [N, C]) for every sample, in store order.")

    @Argument(help: "A backbone checkpoint (.safetensors).")
    var checkpoint: String
    @Option(help: "The store to embed.")
    var store: String
    @Option(help: "The output safetensors file.")
    var out: String
    @OptionGroup var modelArguments: ModelArguments
    @Option(help: "Worker threads.")
    var threads: Int = 2

    func run() throws {
        try reportingErrors {
            setThreads(threads)
            let loaded = try CheckpointModel.load(URL(fileURLWithPath: checkpoint), model: try modelArguments.modelOptions())
            let norm = try modelArguments.normalization(fallback: loaded.normalization, channels: loaded.options.inChannels)
            let e = try FeatureExtractor.extract(loaded.backbone, storePath: store, mean: norm.mean, std: norm.std,
                                                 channels: loaded.options.inChannels, withLogits: true)
            var file = SafeTensors(tensors: ["features": e.features], metadata: ["checkpoint": checkpoint, "store": store])
            if let l = e.logits { file.tensors["logits"] = l }
            file.integers["labels"] = Int64Tensor(shape: e.labels.shape, scalars: e.labels.scalars.map { Int64($0) })
            file.integers["sample_ids"] = Int64Tensor(shape: [e.sampleIDs.count], scalars: e.sampleIDs.map { Int64(bitPattern: $0) })
            try file.write(to: URL(fileURLWithPath: out))
            print("wrote \(out): features \(e.features.shape)" + (e.logits.map { ", logits \($0.shape)" } ?? ""))
        }
    }
}
