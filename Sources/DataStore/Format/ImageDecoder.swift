/// Per-thread image decoding state: a TurboJPEG handle and a reusable pixel buffer, so decoding
/// allocates nothing per sample once the buffer has grown to the largest image.
public final class ImageDecoder {
    private let jpeg = JPEGCodec()
    private let region = JPEGRegionDecoder()
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    /// A decoder with an empty scratch buffer.
    public init() {
        capacity = 4096
        buffer = .allocate(capacity: capacity)
    }
    deinit { buffer.deallocate() }

    /// Decodes sample `i`'s image in field `f` to HWC uint8 and calls `body` with the pixels and
    /// their (height, width, channels). Raw images are handed out straight from the decoded chunk.
    /// JPEGs are decoded with DCT scaling by 1/`jpegScaleDenominator` (1, 2, 4 or 8), so the
    /// reported size may be smaller than the stored size.
    public func withImage<R>(
        _ store: StoreReader, sample i: Int, field f: Int, jpegScaleDenominator denom: Int = 1,
        jpegFastUpsample: Bool = false, _ body: (UnsafePointer<UInt8>, Int, Int, Int) throws -> R
    ) throws -> R {
        guard let info = try store.imageInfo(sample: i, field: f) else {
            throw StoreError.invalidArgument("\(store.path): field '\(store.schema.fields[f].name)' is not an image field")
        }
        return try withImage(store, sample: i, field: f, info: info, jpegScaleDenominator: denom, jpegFastUpsample: jpegFastUpsample, body)
    }

    /// `withImage` with the sample's index entry already read.
    func withImage<R>(
        _ store: StoreReader, sample i: Int, field f: Int, info: (height: Int, width: Int, channels: Int, codec: ImageCodec),
        jpegScaleDenominator denom: Int, jpegFastUpsample: Bool,
        _ body: (UnsafePointer<UInt8>, Int, Int, Int) throws -> R
    ) throws -> R {
        var name: String { store.schema.fields[f].name }
        let (h, w, c) = (info.height, info.width, info.channels)
        return try store.withBytes(sample: i, field: f) { bytes in
            switch info.codec {
            case .raw:
                guard bytes.count == h * w * c else {
                    throw StoreError.sampleDecode(
                        path: store.path, sample: i, field: name,
                        detail: "raw image has \(bytes.count) bytes, expected \(h)x\(w)x\(c)")
                }
                return try body(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), h, w, c)
            case .jpeg, .png:
                let sh = info.codec == .jpeg ? JPEGCodec.scaled(h, num: 1, denom: denom) : h
                let sw = info.codec == .jpeg ? JPEGCodec.scaled(w, num: 1, denom: denom) : w
                let need = sh * sw * c
                if need > capacity {
                    buffer.deallocate()
                    capacity = need
                    buffer = .allocate(capacity: need)
                }
                do {
                    if info.codec == .jpeg {
                        let hd = try jpeg.header(bytes)
                        guard hd.height == h, hd.width == w else {
                            throw StoreError.invalidArgument("JPEG is \(hd.height)x\(hd.width), index says \(h)x\(w)")
                        }
                        try jpeg.decode(bytes, into: buffer, width: sw, height: sh, channels: c, fastUpsample: jpegFastUpsample)
                    } else {
                        try PNGCodec.decode(bytes, into: buffer, width: w, height: h, channels: c)
                    }
                } catch let e as StoreError {
                    throw StoreError.sampleDecode(path: store.path, sample: i, field: name, detail: e.description)
                }
                return try body(UnsafePointer(buffer), sh, sw, c)
            }
        }
    }

    /// Decodes only rows `top ..< top + rows` and (at least) columns `left ..< left + cols` of sample
    /// `i`'s JPEG, in pixels of the image DCT-scaled by 1/`denom`, and calls `body` with the pixels,
    /// their (rows, cols, channels) and where they sit in the scaled image. Returns nil without
    /// calling `body` when the file does not end with EOI (the caller then decodes it whole, so a
    /// truncated file still fails).
    func withJPEGRegion<R>(
        _ store: StoreReader, sample i: Int, field f: Int, info: (height: Int, width: Int, channels: Int, codec: ImageCodec),
        jpegScaleDenominator denom: Int, jpegFastUpsample: Bool, top: Int, left: Int, rows: Int, cols: Int,
        _ body: (UnsafePointer<UInt8>, Int, Int, Int, SourceWindow) throws -> R
    ) throws -> R? {
        let c = info.channels
        let sh = JPEGCodec.scaled(info.height, num: 1, denom: denom)
        let sw = JPEGCodec.scaled(info.width, num: 1, denom: denom)
        // The decoder may start above `top` (at an iMCU row boundary), never above row 0.
        let need = min(top + rows, sh) * sw * c
        if need > capacity {
            buffer.deallocate()
            capacity = need
            buffer = .allocate(capacity: need)
        }
        return try store.withBytes(sample: i, field: f) { bytes -> R? in
            guard JPEGRegionDecoder.endsWithEOI(bytes) else { return nil }
            let r: JPEGRegionDecoder.Region
            do {
                r = try region.decode(
                    bytes, denominator: denom, fastUpsample: jpegFastUpsample, channels: c, top: top, left: left,
                    rows: rows, cols: cols, into: buffer, capacity: capacity)
                guard r.fullHeight == sh, r.fullWidth == sw else {
                    throw StoreError.invalidArgument("JPEG is \(r.fullHeight)x\(r.fullWidth) at 1/\(denom), index says \(info.height)x\(info.width)")
                }
            } catch {
                throw StoreError.sampleDecode(path: store.path, sample: i, field: store.schema.fields[f].name, detail: "\(error)")
            }
            return try body(UnsafePointer(buffer), r.rows, r.cols, c, SourceWindow(fullHeight: sh, fullWidth: sw, top: r.top, left: r.left))
        }
    }

    /// Sample `i`'s image in field `f` as a `RawImage`.
    public func image(_ store: StoreReader, sample i: Int, field f: Int) throws -> RawImage {
        try withImage(store, sample: i, field: f) { p, h, w, c in
            RawImage(height: h, width: w, channels: c, pixels: Array(UnsafeBufferPointer(start: p, count: h * w * c)))
        }
    }
}
