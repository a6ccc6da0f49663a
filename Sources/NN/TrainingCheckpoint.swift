import Foundation
import TensorCore

/// A training checkpoint in three files next to each other: `<name>.safetensors` (model
/// parameters and running statistics, loadable by PyTorch), `<name>.optimizer.safetensors`
/// (optimizer state) and `<name>.json` (the loop state, any `Codable` value). Each file is written
/// atomically; the model file is written last, so a present model file means a complete set.
public enum TrainingCheckpoint {
    /// The three file URLs for `name` in `directory`.
    public static func files(directory: URL, name: String) -> (model: URL, optimizer: URL, loop: URL) {
        (directory.appendingPathComponent("\(name).safetensors"),
         directory.appendingPathComponent("\(name).optimizer.safetensors"),
         directory.appendingPathComponent("\(name).json"))
    }

    /// Writes the model, optimizer and loop state.
    public static func save<M: Layer, O: Optimizer, S: Encodable>(
        model: M, optimizer: O, loopState: S, directory: URL, name: String, metadata: [String: String] = [:]
    ) throws {
        let f = files(directory: directory, name: name)
        try optimizer.state.write(to: f.optimizer)
        let json: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            json = try encoder.encode(loopState)
        } catch {
            throw CheckpointError.io(file: f.loop.path, message: "cannot encode loop state: \(error)")
        }
        try AtomicFile.write(json, to: f.loop)
        try model.save(to: f.model, metadata: metadata)
    }

    /// Reads all three files, validates them, and only then assigns the model and optimizer
    /// (a failure leaves both unchanged); returns the loop state.
    public static func load<M: Layer, O: Optimizer, S: Decodable>(
        model: inout M, optimizer: inout O, loopState: S.Type, directory: URL, name: String
    ) throws -> S {
        let f = files(directory: directory, name: name)
        var newModel = model
        try newModel.load(from: f.model)
        var newOptimizer = optimizer
        try newOptimizer.loadState(SafeTensors.read(from: f.optimizer), file: f.optimizer.path)
        let data: Data
        do { data = try Data(contentsOf: f.loop) } catch {
            throw CheckpointError.io(file: f.loop.path, message: "cannot read: \(error.localizedDescription)")
        }
        let state: S
        do { state = try JSONDecoder().decode(S.self, from: data) } catch {
            throw CheckpointError.malformed(file: f.loop.path, message: "loop state: \(error)")
        }
        model = newModel
        optimizer = newOptimizer
        return state
    }
}
