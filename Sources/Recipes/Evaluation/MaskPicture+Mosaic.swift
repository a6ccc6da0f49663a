import DataStore

extension MaskPicture {
    /// The PNG bytes of the first `count` Fashion-MNIST mosaics of `split` (image | label map per row), as
    /// `retort store build fashion-mnist-mosaic --preview` draws them: the same compositions
    /// `Ingest.fashionMNISTMosaic` stores for `options`.
    public static func mosaicPreview(dir: String, split: String, options: MosaicOptions, count: Int = 6) throws -> [UInt8] {
        let idx = try Ingest.readIDX(dir: dir, split: split)
        let rows = (0..<min(count, options.count)).map { i -> (input: [UInt8], labels: [UInt8]) in
            let mosaic = Ingest.mosaic(i, from: idx, options: options)
            return (mosaic.image, mosaic.labels)
        }
        return try grid(rows, height: options.size, width: options.size)
    }
}
