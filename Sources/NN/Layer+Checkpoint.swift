import Foundation
import Support
import TensorCore

/// Model checkpoints in safetensors: every parameter and running statistic by path (F32), counters
/// (`num_batches_tracked`) as I64, so torchvision/timm state dicts load directly and ours load in PyTorch.
extension Layer {
    /// The model's state as a safetensors file (parameters, running statistics, counters).
    public func checkpoint(metadata: [String: String] = [:]) -> SafeTensors {
        var file = SafeTensors(metadata: metadata)
        for (path, p) in namedParameters {
            if p.role == .counter {
                file.integers[path] = Int64Tensor(shape: p.shape, scalars: p.value.scalars.map { Int64($0) })
            } else {
                file.tensors[path] = p.value.detached
            }
        }
        return file
    }

    /// Writes the model's state to `url` atomically.
    public func save(to url: URL, metadata: [String: String] = [:], fileSystem: some FileSystem = POSIXFileSystem()) throws {
        try checkpoint(metadata: metadata).write(to: url, fileSystem: fileSystem)
    }

    /// Loads the model's state from the safetensors file at `url` (see `load(_:file:strict:ignoring:)`).
    public mutating func load(from url: URL, strict: Bool = true, ignoring ignoredPrefixes: [String] = []) throws {
        try load(SafeTensors.read(from: url), file: url.path, strict: strict, ignoring: ignoredPrefixes)
    }

    /// Loads parameters by path. Strict (the default): every model key must be present and every
    /// file key must be used. Shapes must always match. Everything is validated before anything is
    /// assigned, so a failed load leaves the model unchanged. `file` names the source in errors.
    /// File keys starting with one of `ignoredPrefixes` are dropped first (e.g. `["fc."]` to load a
    /// torchvision classifier checkpoint into a trunk without a head, still strictly), and model keys
    /// under them keep their current values (a new classifier on a pretrained trunk).
    public mutating func load(_ state: SafeTensors, file: String, strict: Bool = true, ignoring ignoredPrefixes: [String] = []) throws {
        var state = state
        for p in ignoredPrefixes {
            state.tensors = state.tensors.filter { !$0.key.hasPrefix(p) }
            state.integers = state.integers.filter { !$0.key.hasPrefix(p) }
        }
        var values: [String: Tensor] = [:]
        var used = Set<String>()
        for (path, p) in namedParameters {
            let found: Tensor?
            if let t = state.tensors[path] {
                found = t
            } else if let t = state.integers[path] {
                found = Tensor(shape: t.shape, scalars: t.scalars.map { Float($0) })
            } else {
                found = nil
            }
            guard let found else {
                // A model key under an ignored prefix keeps its current value (a fresh classifier).
                if strict && !ignoredPrefixes.contains(where: { path.hasPrefix($0) }) {
                    throw CheckpointError.missingKey(file: file, key: path, expectedShape: p.shape)
                }
                continue
            }
            guard found.shape == p.shape else {
                throw CheckpointError.shapeMismatch(file: file, key: path, expected: p.shape, found: found.shape)
            }
            values[path] = found
            used.insert(path)
        }
        if strict {
            let extraFloat = state.tensors.keys.filter { !used.contains($0) }.map { ($0, state.tensors[$0]!.shape) }
            let extraInt = state.integers.keys.filter { !used.contains($0) }.map { ($0, state.integers[$0]!.shape) }
            if let (key, shape) = (extraFloat + extraInt).min(by: { $0.0 < $1.0 }) {
                throw CheckpointError.unexpectedKey(file: file, key: key, shape: shape)
            }
        }
        forEachParameter { path, p in
            if let v = values[path] { p.value = v }
        }
    }
}
