import Foundation
import NN
import Support

/// A run directory problem, naming the path.
public struct RunDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The folder cannot be created or written.
        case notWritable
        /// The path exists and is a file.
        case notADirectory
        /// A fresh run was asked for in a folder that already holds one.
        case alreadyHasRun
        /// Resume was asked for but the folder holds no run.
        case notARun
    }

    /// What is wrong.
    public var kind: Kind
    /// The offending path.
    public var path: String
    /// Details (the OS error).
    public var detail: String

    /// A sentence naming the path and what to do.
    public var description: String {
        switch kind {
        case .notWritable: return "run directory \(path) is not writable: \(detail)"
        case .notADirectory: return "run directory \(path) is a file, not a folder"
        case .alreadyHasRun: return "run directory \(path) already holds a run; resume it with --resume or choose another --run-dir"
        case .notARun: return "\(path) is not a run directory: \(detail)"
        }
    }
}

/// The folder of one training run: `resolved.yaml`, `metrics.jsonl`, `summary.json`, `checkpoints/`.
public struct RunDirectory: Sendable, Equatable {
    /// The run folder.
    public let url: URL

    /// `checkpoints/`.
    public var checkpoints: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }
    /// `resolved.yaml`: the recipe after `base:` and `--set`, reloaded by `--resume`.
    public var resolvedRecipe: URL { url.appendingPathComponent("resolved.yaml") }
    /// `metrics.jsonl`: one JSON record per logged step.
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    /// `summary.json`: the run's outcome.
    public var summary: URL { url.appendingPathComponent("summary.json") }
    /// The sample ids held out of training for validation (`data.val_fraction`), one per line.
    public var validationIDs: URL { url.appendingPathComponent("validation_ids.txt") }

    /// A checkpoint file path, e.g. `checkpoint(named: "last")` -> `checkpoints/last.safetensors`.
    public func checkpoint(named name: String, extension ext: String = "safetensors") -> URL {
        checkpoints.appendingPathComponent("\(name).\(ext)")
    }

    private init(url: URL) { self.url = url }

    /// Creates (or reuses an empty) run folder with `checkpoints/`, checking that it can be written.
    /// A folder that already holds `resolved.yaml` is refused unless `allowExisting`.
    public static func create(at url: URL, allowExisting: Bool = false) throws -> RunDirectory {
        let run = RunDirectory(url: url.standardizedFileURL)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: run.url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RunDirectoryError(kind: .notADirectory, path: run.url.path, detail: "")
        }
        if !allowExisting, FileManager.default.fileExists(atPath: run.resolvedRecipe.path) {
            throw RunDirectoryError(kind: .alreadyHasRun, path: run.url.path, detail: "")
        }
        do {
            try FileManager.default.createDirectory(at: run.checkpoints, withIntermediateDirectories: true)
        } catch {
            throw RunDirectoryError(kind: .notWritable, path: run.url.path, detail: Self.reason(error))
        }
        try run.checkWritable()
        return run
    }

    /// Opens an existing run for `--resume`: it must hold `resolved.yaml` and be writable.
    public static func open(existing url: URL) throws -> RunDirectory {
        let run = RunDirectory(url: url.standardizedFileURL)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.url.path, isDirectory: &isDirectory) else {
            throw RunDirectoryError(kind: .notARun, path: run.url.path, detail: "it does not exist")
        }
        guard isDirectory.boolValue else { throw RunDirectoryError(kind: .notADirectory, path: run.url.path, detail: "") }
        guard FileManager.default.fileExists(atPath: run.resolvedRecipe.path) else {
            throw RunDirectoryError(kind: .notARun, path: run.url.path, detail: "it has no resolved.yaml")
        }
        try? FileManager.default.createDirectory(at: run.checkpoints, withIntermediateDirectories: true)
        try run.checkWritable()
        return run
    }

    /// Writes `resolved.yaml` atomically.
    public func writeResolvedRecipe(_ recipe: Recipe) throws {
        try AtomicFile.write(try recipe.yamlString(), to: resolvedRecipe)
    }

    /// Reads `resolved.yaml` back (for `--resume`); `overrides` may change e.g. `train.epochs`.
    public func loadResolvedRecipe(loader: RecipeLoader = RecipeLoader(), overrides: [String] = []) throws -> Recipe {
        try loader.load(contentsOf: resolvedRecipe, overrides: overrides)
    }

    /// Proves the folder writable by atomically writing and removing a probe file.
    private func checkWritable() throws {
        // Per process: the ranks of a data-parallel run check the same folder at once.
        let probe = url.appendingPathComponent(".write-probe-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try AtomicFile.write(Data(), to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw RunDirectoryError(kind: .notWritable, path: url.path, detail: Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let e = error as? AtomicWriteError { return e.underlying.description }
        return (error as NSError).localizedDescription
    }
}
