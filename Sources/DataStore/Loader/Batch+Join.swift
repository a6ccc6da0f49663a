/// Joining the batches of two loaders into one (`data.extra`: a second store's samples in every batch).
extension Batch {
    /// This batch followed, sample for sample, by `other`: every view's pixels `[N₁ + N₂, C, H, W]` and
    /// parameters, labels, sample ids and captions appended; `indices` keep each part's own stored
    /// positions (the second part's refer to its own store); captions (raw or encoded) held by one
    /// part only are dropped. Epoch and step stay this batch's. Preconditions (the caller's loaders
    /// are built so): the same views with the same sizes, neither batch mixed (a mix pairs samples
    /// within one batch).
    public func joined(with other: Batch) -> Batch {
        precondition(views.count == other.views.count, "joined batches need the same views")
        precondition(mix == nil && other.mix == nil, "mixed batches cannot be joined")
        var out = self
        for (v, o) in zip(out.views.indices, other.views) {
            precondition(Array(out.views[v].shape.dropFirst()) == Array(o.shape.dropFirst()), "joined views differ in size")
            out.views[v].pixels += o.pixels
            out.views[v].params += o.params
            out.views[v].shape[0] += o.shape[0]
        }
        out.labels += other.labels
        out.sampleIDs += other.sampleIDs
        out.indices += other.indices
        out.texts = texts.flatMap { a in other.texts.map { a + $0 } }
        out.encodedTexts = encodedTexts.flatMap { a in other.encodedTexts.map { a + $0 } }
        return out
    }
}
