import DataStore
import Objectives
import TensorCore

extension TrainingBatch {
    /// The objectives' view of a loader batch: pixels as tensors, every view's recorded crop box,
    /// flip, size and resolution group, the labels (nil when any sample has none: the store's -1),
    /// captions and mix parameters. `limit` keeps the first samples only (the padded tail of an
    /// evaluation pass). The one place loader batches become tensors.
    public init(_ batch: DataStore.Batch, limit: Int? = nil) {
        let n = min(limit ?? batch.sampleIDs.count, batch.sampleIDs.count)
        var sizes: [[Int]] = []
        var views: [Tensor] = []
        var infos: [ViewInfo] = []
        for v in batch.views {
            var x = Tensor(shape: Shape(v.shape), scalars: v.pixels)
            if n < v.shape[0] { x = x.slice(alongAxis: 0, 0..<n) }
            let size = [v.shape[2], v.shape[3]]
            if !sizes.contains(size) { sizes.append(size) }
            var boxes = [Float](repeating: 0, count: 4 * n)
            for i in 0..<n {
                let b = v.params[i].normalizedBox
                boxes.replaceSubrange(4 * i..<4 * i + 4, with: [b.x0, b.y0, b.x1, b.y1])
            }
            views.append(x)
            infos.append(
                ViewInfo(
                    boxes: Tensor(shape: [n, 4], scalars: boxes), flipped: v.params.prefix(n).map(\.flipped),
                    height: size[0], width: size[1], group: sizes.firstIndex(of: size)!))
        }
        let labels = Array(batch.labels.prefix(n))
        self.init(
            views: views, viewInfo: infos,
            labels: labels.contains(where: { $0 < 0 }) ? nil : IntTensor(shape: [n], scalars: labels),
            sampleIDs: Array(batch.sampleIDs.prefix(n)), texts: batch.texts.map { Array($0.prefix(n)) },
            mix: batch.mix.map { m in MixInfo(lambda: m.lambda, partner: m.partner, box: m.box.map { [$0.0, $0.1, $0.2, $0.3] }) },
            text: batch.encodedTexts.map { TextBatch(Array($0.prefix(n))) })
    }
}

extension TextBatch {
    /// The `[N, L]` tensors of the worker's encoded captions (all of one context length).
    init(_ encoded: [EncodedText]) {
        let n = encoded.count
        let l = encoded.first?.ids.count ?? 0
        func stack(_ rows: [[Int32]]?) -> IntTensor? {
            rows.map { IntTensor(shape: [n, l], scalars: $0.flatMap { $0 }) }
        }
        let all = { (k: KeyPath<EncodedText, [Int32]?>) -> [[Int32]]? in
            let rows = encoded.compactMap { $0[keyPath: k] }
            return rows.count == n && n > 0 ? rows : nil
        }
        self.init(
            ids: stack(encoded.map(\.ids))!, augmentedIDs: stack(all(\.augmentedIDs)),
            augmentations: encoded.allSatisfy({ $0.augmentedIDs != nil }) && n > 0 ? encoded.map(\.augmentation) : nil,
            maskedIDs: stack(all(\.maskedIDs)),
            maskTargets: stack(all(\.maskTargets)), truncatedCount: encoded.filter(\.truncated).count,
            padding: CaptionTokenizer.padding)
    }
}
