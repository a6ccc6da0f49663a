import Foundation
import NN
import Objectives
import Support

/// Where a run stands, saved beside its checkpoint files as `<name>.json` (written last: it is the
/// commit point; every safetensors file of the set carries the same `step` in its metadata).
public struct LoopState: Codable, Sendable, Equatable {
    /// Optimizer steps done.
    public var step: Int
    /// The epoch the next step belongs to.
    public var epoch: Int
    /// Steps of that epoch already done.
    public var stepInEpoch: Int
    /// Best evaluation score so far (for `best.safetensors`).
    public var bestScore: Double?
    /// Seconds of training (all processes of the run) that produced these steps; nil in checkpoints
    /// written before it was recorded. Work redone after a kill is counted once.
    public var elapsedSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case step, epoch
        case stepInEpoch = "step_in_epoch"
        case bestScore = "best_score"
        case elapsedSeconds = "elapsed_seconds"
    }
}

/// A checkpoint set in `checkpoints/`: `<name>.safetensors` (the backbone, torchvision/timm names,
/// loadable on its own by `probe`/`embed`), `<name>.objective.safetensors` (heads, EMA target),
/// `<name>.state.safetensors` (the objective's queues, pseudo-labels, counters),
/// `<name>.optimizer.safetensors` (every optimizer of the run), and `<name>.json` (loop state).
public enum TrainingCheckpoint {
    /// Writes the set: every file first goes to a staging name (`<name>.next...`, each written
    /// atomically), and only when all four are on disk are they renamed over the old set, the loop
    /// state last. A failed write (a full disk) leaves the previous set untouched.
    static func save<O: Objective>(
        _ model: TrainModel<O>, optimizers: OptimizerSet, loop: LoopState,
        recipeYAML: String, name: String, in run: RunDirectory,
        fileSystem: any FileSystem = POSIXFileSystem()
    ) throws {
        let meta = ["step": String(loop.step), "format": "retort-checkpoint-2"]
        let staged = name + ".next"
        let files = [
            (staged + ".objective", name + ".objective", "safetensors"), (staged + ".optimizer", name + ".optimizer", "safetensors"),
            (staged + ".state", name + ".state", "safetensors"), (staged, name, "safetensors"), (staged, name, "json"),
        ]
        do {
            try model.objective.save(to: run.checkpoint(named: files[0].0), metadata: meta, fileSystem: fileSystem)
            for (file, var content) in [(files[1].0, optimizers.state), (files[2].0, model.objective.state)] {
                content.metadata.merge(meta) { _, new in new }
                try content.write(to: run.checkpoint(named: file), fileSystem: fileSystem)
            }
            try model.backbone.save(
                to: run.checkpoint(named: staged), metadata: meta.merging(["recipe": recipeYAML]) { _, n in n },
                fileSystem: fileSystem)
            try AtomicFile.write(try JSONEncoder().encode(loop), to: run.checkpoint(named: staged, extension: "json"), fileSystem: fileSystem)
        } catch {
            for f in files { fileSystem.removeIfPresent(run.checkpoint(named: f.0, extension: f.2).path) }
            throw error
        }
        for f in files {
            try fileSystem.rename(run.checkpoint(named: f.0, extension: f.2).path, to: run.checkpoint(named: f.1, extension: f.2).path)
        }
        try fileSystem.synchronizeDirectory(run.checkpoints.path)
    }

    /// Loads the set named `name` into `model` and `optimizers`; checks that all files belong to
    /// the same step. On error nothing is changed.
    static func load<O: Objective>(
        into model: inout TrainModel<O>, optimizers: inout OptimizerSet,
        name: String, in run: RunDirectory
    ) throws -> LoopState {
        let jsonURL = run.checkpoint(named: name, extension: "json")
        guard let data = FileManager.default.contents(atPath: jsonURL.path) else {
            throw TrainError.missingFile(path: jsonURL.path, what: "checkpoint loop state")
        }
        let loop = try JSONDecoder().decode(LoopState.self, from: data)
        let files = [
            run.checkpoint(named: name), run.checkpoint(named: name + ".objective"), run.checkpoint(named: name + ".optimizer"),
            run.checkpoint(named: name + ".state"),
        ]
        var states: [SafeTensors] = []
        for url in files {
            guard FileManager.default.fileExists(atPath: url.path) else { throw TrainError.missingFile(path: url.path, what: "checkpoint") }
            let s = try SafeTensors.read(from: url)
            guard s.metadata["step"] == String(loop.step) else {
                throw CheckpointError.malformed(
                    file: url.path,
                    message:
                        "holds step \(s.metadata["step"] ?? "?") but \(jsonURL.lastPathComponent) says \(loop.step); the checkpoint set is incomplete"
                )
            }
            states.append(s)
        }
        var m = model
        try m.backbone.load(states[0], file: files[0].path)
        try m.objective.load(states[1], file: files[1].path)
        var objectiveState = states[3]
        objectiveState.metadata = [:]
        try m.objective.loadState(objectiveState, file: files[3].path)
        var o = optimizers
        try o.loadState(states[2], file: files[2].path)
        model = m
        optimizers = o
        return loop
    }
}
