extension SafeTensors {
    /// Throws `CheckpointError.unexpectedKey`, naming `file`, for the first key (in sorted order) of an
    /// F32 tensor not in `tensors` or of an integer tensor not in `integers`: the check of a state file
    /// that may hold only these keys (objective state, for one).
    public func requireOnly(tensors allowed: Set<String> = [], integers allowedIntegers: Set<String> = [], file: String) throws {
        if let key = self.tensors.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw CheckpointError.unexpectedKey(file: file, key: key, shape: self.tensors[key]!.shape)
        }
        if let key = self.integers.keys.filter({ !allowedIntegers.contains($0) }).sorted().first {
            throw CheckpointError.unexpectedKey(file: file, key: key, shape: self.integers[key]!.shape)
        }
    }
}
