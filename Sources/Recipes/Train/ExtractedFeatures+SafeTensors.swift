import NN
import TensorCore

extension ExtractedFeatures {
    /// The file `retort embed` writes: `features` `[N, D]`, `logits` `[N, C]` when present, `labels` `[N]`
    /// (int64, -1 where the store has none) and `sample_ids` `[N]` (int64 bit patterns of the store's
    /// UInt64 ids), with the checkpoint and store paths as metadata.
    public func safeTensors(checkpoint: String, store: String) -> SafeTensors {
        var file = SafeTensors(tensors: ["features": features], metadata: ["checkpoint": checkpoint, "store": store])
        if let logits { file.tensors["logits"] = logits }
        file.integers["labels"] = Int64Tensor(shape: labels.shape, scalars: labels.scalars.map { Int64($0) })
        file.integers["sample_ids"] = Int64Tensor(shape: [sampleIDs.count], scalars: sampleIDs.map { Int64(bitPattern: $0) })
        return file
    }
}
