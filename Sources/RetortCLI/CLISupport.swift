import ArgumentParser
import Foundation
import Recipes
import TensorCore

/// Runs `body`, turning any error into one clear line on stderr and exit code 1 (no stack trace).
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// The architecture flags shared by `probe`, `embed` and `zoo init`.
struct ArchitectureArguments: ParsableArguments {
    @Option(help: "Classifier outputs of that model (0: none).")
    var classes: Int = 0
    @Option(name: .customLong("in-channels"), help: "Input channels (1 or 3).")
    var inChannels: Int = 3
    @Option(help: "ResNet stem: imagenet or cifar.")
    var stem: String = "imagenet"
    @Option(help: "ResNet width multiplier.")
    var width: Double = 1

    /// The model options for backbone `name`.
    func modelOptions(backbone name: String) throws -> ModelOptions {
        guard let s = ModelOptions.Stem(rawValue: stem) else { throw ValidationError("--stem must be imagenet or cifar, got \(stem)") }
        return ModelOptions(backbone: name, stem: s, width: width, inChannels: inChannels, classes: classes)
    }
}

/// Model options given on the command line for checkpoints without a recipe, and normalisation.
struct ModelArguments: ParsableArguments {
    @Option(help: "Backbone name (zoo), for checkpoints without an embedded recipe (e.g. a torchvision export).")
    var model: String?
    @OptionGroup var architecture: ArchitectureArguments
    @Option(help: "Per-channel mean for pixels scaled to [0, 1], e.g. 0.485,0.456,0.406 (default: the checkpoint's recipe).")
    var mean: String?
    @Option(help: "Per-channel std, e.g. 0.229,0.224,0.225.")
    var std: String?

    /// The explicit model options, if `--model` was given.
    func modelOptions() throws -> ModelOptions? {
        try model.map { try architecture.modelOptions(backbone: $0) }
    }

    /// The normalisation from the flags, else `fallback`, else identity.
    func normalization(fallback: (mean: [Float], std: [Float])?, channels: Int) throws -> (mean: [Float], std: [Float]) {
        func parse(_ s: String, _ flag: String) throws -> [Float] {
            let v = s.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard !v.isEmpty, v.allSatisfy({ $0 != nil }) else { throw ValidationError("\(flag) must be comma-separated numbers, got '\(s)'") }
            return v.map { $0! }
        }
        if let mean, let std { return (try parse(mean, "--mean"), try parse(std, "--std")) }
        if mean != nil || std != nil { throw ValidationError("give both --mean and --std") }
        return fallback ?? ([Float](repeating: 0, count: channels), [Float](repeating: 1, count: channels))
    }
}

/// What `embed` and `probe` share: the backbone checkpoint, how to rebuild and normalise its model, and the threads.
struct CheckpointArguments: ParsableArguments {
    @Argument(help: "A backbone checkpoint (.safetensors).")
    var checkpoint: String
    @OptionGroup var modelArguments: ModelArguments
    @Option(help: "Worker threads.")
    var threads: Int = 2

    /// The checkpoint's path.
    var url: URL { URL(fileURLWithPath: checkpoint) }

    /// Sets the threads, then loads the checkpoint (rebuilt from `--model` when given, else from its recipe) and its
    /// normalisation (`--mean`/`--std`, else the recipe's, else identity).
    func load() throws -> (model: CheckpointModel, mean: [Float], std: [Float]) {
        setThreads(threads)
        let loaded = try CheckpointModel.load(url, model: try modelArguments.modelOptions())
        let norm = try modelArguments.normalization(fallback: loaded.normalization, channels: loaded.options.inChannels)
        return (loaded, norm.mean, norm.std)
    }
}

/// Sets the one thread count shared by OpenBLAS and our parallel loops.
func setThreads(_ n: Int) { Threading.setCount(max(1, n)) }

/// Applies a recipe's process-wide settings: `threads` compute threads (default `train.threads`, else every
/// core) and the convolution algorithm `train.convolution`.
func applyProcessSettings(_ train: TrainOptions, threads: Int? = nil) {
    setThreads(threads ?? train.threadCount)
    Tensor.setBackend(CPUBackend(convolution: train.convolution))
}

/// Ends this process (as if killed; checkpoint sets are atomic, so the run resumes) within a second
/// of process `parent` ending: a `retort sweep` child, which Foundation starts in its own session
/// where the sweep's Ctrl-C or kill does not reach it.
func exitWhenOrphaned(parent: Int32) {
    if getppid() != parent { exit(137) }
    Thread.detachNewThread {
        while getppid() == parent { sleep(1) }
        FileHandle.standardError.write(Data("retort train: the sweep that started this run is gone; stopping (resume by rerunning the sweep)\n".utf8))
        _exit(137)
    }
}
