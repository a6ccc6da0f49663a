import CDataStore

/// Region-of-interest JPEG decoding with libjpeg's API (`jpeg_crop_scanline`, `jpeg_skip_scanlines`,
/// DCT scaling), which TurboJPEG 2.1 lacks. Rows above the region are only entropy-decoded, rows
/// below it are not read, and columns outside the iMCU-aligned crop skip the IDCT and colour
/// conversion. Owns a libjpeg decompressor; use one per thread.
public final class JPEGRegionDecoder {
    /// What a decode produced, in output pixels of the (DCT-scaled) image.
    public struct Region: Equatable, Sendable {
        /// Height of the whole scaled image.
        public var fullHeight: Int
        /// Width of the whole scaled image.
        public var fullWidth: Int
        /// First decoded row (the request aligned down to an iMCU row boundary).
        public var top: Int
        /// First decoded column (the request aligned down to an iMCU boundary).
        public var left: Int
        /// Decoded rows.
        public var rows: Int
        /// Decoded columns (the request widened to iMCU boundaries): the buffer's row length.
        public var cols: Int
    }

    private var handle: OpaquePointer?

    /// A decoder; the libjpeg decompressor is created on first use.
    public init() {}
    deinit { rtj_destroy(handle) }

    /// Decodes at least rows `top ..< top + rows` and columns `left ..< left + cols` (clipped to the
    /// image) of `data` scaled by 1/`denominator` into `dst` (`capacity` bytes, HWC, `channels` 1 or 3)
    /// with the fast integer DCT (as the full-decode path), optionally fast chroma upsampling.
    /// Warnings (truncated or corrupt data) are errors.
    public func decode(
        _ data: UnsafeRawBufferPointer, denominator: Int, fastUpsample: Bool, channels: Int,
        top: Int, left: Int, rows: Int, cols: Int, into dst: UnsafeMutablePointer<UInt8>, capacity: Int
    ) throws(StoreError) -> Region {
        if handle == nil { handle = rtj_create() }
        guard let h = handle else { throw StoreError.invalidArgument("JPEG region decode: out of memory") }
        var r = rtj_region()
        let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let status = rtj_decode_region(
            h, base, data.count, Int32(denominator), 1, fastUpsample ? 1 : 0, Int32(channels),
            Int32(top), Int32(left), Int32(rows), Int32(cols), dst, capacity, &r)
        guard status == 0 else {
            throw StoreError.invalidArgument("JPEG region decode: \(String(cString: rtj_message(h)))")
        }
        return Region(
            fullHeight: Int(r.height), fullWidth: Int(r.width), top: Int(r.top), left: Int(r.left),
            rows: Int(r.rows), cols: Int(r.cols))
    }

    /// Whether `data` ends with the EOI marker. A region decode stops early and so cannot notice a
    /// truncated file; files without a final EOI (truncated, or with trailing bytes) take the full decode.
    public static func endsWithEOI(_ data: UnsafeRawBufferPointer) -> Bool {
        data.count >= 4 && data[data.count - 2] == 0xFF && data[data.count - 1] == 0xD9
    }
}
