import Support
import TensorCore

/// Data-parallel gradient averaging (Horovod's and PyTorch DDP's bucketed all-reduce): every rank's
/// gradients, packed in parameter-path order into buckets of at most `bucketValues` Float32 values,
/// are summed over the ranks and divided once by the rank count R. With each rank's loss the mean over
/// its share of an evenly split global batch, the result is the gradient of the global batch's mean loss.
public enum GradientAllReduce {
    /// The default bucket: 4 Mi values (16 MiB), a few all-reduces per ResNet-50 step.
    public static let defaultBucketValues = 1 << 22

    /// Replaces each gradient of every group by its mean over the ranks of `group`; nothing to do on
    /// one rank. Every rank must pass the same paths and shapes (the same model).
    public static func average(_ gradients: inout [[String: Tensor]], over group: any Communicator, bucketValues: Int = defaultBucketValues) {
        guard group.isDistributed else { return }
        let entries = gradients.indices.flatMap { g in gradients[g].keys.sorted().map { (group: g, path: $0) } }
        var start = 0
        while start < entries.count {
            // A bucket: consecutive entries up to `bucketValues` values (at least one entry).
            var end = start
            var values = 0
            while end < entries.count && (end == start || values + gradients[entries[end].group][entries[end].path]!.count <= bucketValues) {
                values += gradients[entries[end].group][entries[end].path]!.count
                end += 1
            }
            var buffer: [Float] = []
            buffer.reserveCapacity(values)
            for e in entries[start..<end] { buffer += gradients[e.group][e.path]!.scalars }
            group.allReduceSum(&buffer)
            let scale = 1 / Float(group.size)
            var offset = 0
            for e in entries[start..<end] {
                let shape = gradients[e.group][e.path]!.shape
                let count = shape.count
                gradients[e.group][e.path] = Tensor(shape: shape, scalars: buffer[offset..<(offset + count)].map { $0 * scale })
                offset += count
            }
            start = end
        }
    }
}
