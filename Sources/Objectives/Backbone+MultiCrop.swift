import Backbones
import NN
import TensorCore

extension Backbone {
    /// Multi-crop forward: the pooled features `[N, F]` of every view of `batch`, in view order,
    /// computed with one backbone pass per resolution group (`batch.viewGroups`): the same-size
    /// crops of a group are concatenated along the batch axis (`groupedViews`) and forwarded
    /// together, so BatchNorm statistics are per group, as SwAV's `resnet50.py::forward` does
    /// (`torch.unique_consecutive` over crop sizes, one `forward_backbone` per run of equal sizes).
    public mutating func multiCropFeatures(_ batch: TrainingBatch, context: inout Context) -> [Tensor] {
        let n = batch.count
        var features = [Tensor?](repeating: nil, count: batch.views.count)
        for group in batch.viewGroups {
            let f = self.features(batch.groupedViews(group), context: &context)  // [G·N, F]
            for (i, v) in group.enumerated() {
                features[v] = group.count == 1 ? f : f.slice(alongAxis: 0, i * n..<(i + 1) * n)
            }
        }
        return features.map { $0! }
    }
}
