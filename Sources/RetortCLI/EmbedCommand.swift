import ArgumentParser
import DataStore
import Foundation
import NN
import Recipes
import Support
import TensorCore

/// `retort embed CHECKPOINT --store STORE --out FILE.safetensors`: features (and logits) per sample;
/// with `--map tsne|pca --out map.svg`, a 2-D map of the features coloured by label instead.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write pooled features [N, D] (and classifier logits [N, C]) for every sample, in store order.")

    @OptionGroup var input: CheckpointArguments
    @Option(help: "The store to embed.")
    var store: String
    @Option(help: "The output safetensors file (with --map: the SVG map).")
    var out: String
    @Option(help: "Draw a 2-D map instead: tsne (exact t-SNE) or pca.")
    var map: String?
    @Option(name: .customLong("max-points"), help: "With --map: at most this many samples (a seeded random subset).")
    var maxPoints: Int = 2000
    @Option(help: "With --map tsne: the perplexity.")
    var perplexity: Double = 30
    @Option(help: "With --map tsne: gradient-descent iterations.")
    var iterations: Int = 1000
    @Option(help: "With --map: the seed of the subset and of the t-SNE start.")
    var seed: UInt64 = 0

    func run() throws {
        try reportingErrors {
            let method = try map.map { name in
                guard let method = EmbeddingMap.Method(rawValue: name) else {
                    throw ValidationError(
                        "--map must be one of \(EmbeddingMap.Method.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
                }
                return method
            }
            let (loaded, mean, std) = try input.load()
            let e = try FeatureExtractor.extract(
                loaded.backbone, storePath: store, mean: mean, std: std,
                channels: loaded.options.inChannels, withLogits: true)
            if let method {
                try drawMap(method, features: e)
                return
            }
            try e.safeTensors(checkpoint: input.checkpoint, store: store).write(to: URL(fileURLWithPath: out))
            print("wrote \(out): features \(e.features.shape)" + (e.logits.map { ", logits \($0.shape)" } ?? ""))
        }
    }

    private func drawMap(_ method: EmbeddingMap.Method, features e: ExtractedFeatures) throws {
        guard perplexity > 0, iterations >= 1 else { throw ValidationError("--perplexity must be > 0 and --iterations >= 1") }
        var drawer = EmbeddingMap(method: method)
        drawer.maxPoints = maxPoints
        drawer.tsne.perplexity = perplexity
        drawer.tsne.iterations = iterations
        drawer.tsne.exaggerationIterations = min(250, iterations / 4)
        drawer.tsne.seed = seed
        let classNames = try StoreReader(path: store).schema.classNames
        let started = Date()
        let title =
            "\(method == .tsne ? "t-SNE" : "PCA") of \(input.url.lastPathComponent) on \(URL(fileURLWithPath: store).lastPathComponent)"
        let drawn = try drawer.draw(features: e.features, labels: e.labels.scalars, classNames: classNames, title: title)
        try AtomicFile.write(drawn.svg, to: URL(fileURLWithPath: out))
        print(
            String(
                format: "wrote %@: %@ of %d samples (%d features) in %.1f s", out, method.rawValue, drawn.positions.count,
                e.features.shape[1], Date().timeIntervalSince(started)))
    }
}
