/// A fixed 64-byte little-endian record of `ViewParams` (a teacher cache's pool of recorded views):
/// i32 srcHeight, srcWidth, top, left, height, width, outHeight, outWidth, blurKernel; u8 flags
/// (flipped 1, resampled 2, jittered 4, grayscale 8, solarized 16); u16 jitterOrder; f32 brightness,
/// contrast, saturation, hue, blurSigma, solarizeThreshold; zero padding to 64 bytes.
extension ViewParams {
    /// Bytes of one record.
    public static let byteCount = 64

    /// This view's record.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        for v in [srcHeight, srcWidth, top, left, height, width, outHeight, outWidth, blurKernel] {
            withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { out += $0 }
        }
        let flags = (flipped ? 1 : 0) | (resampled ? 2 : 0) | (jittered ? 4 : 0) | (grayscale ? 8 : 0) | (solarized ? 16 : 0)
        out.append(UInt8(flags))
        withUnsafeBytes(of: jitterOrder.littleEndian) { out += $0 }
        for f in [brightness, contrast, saturation, hue, blurSigma, solarizeThreshold] {
            withUnsafeBytes(of: f.bitPattern.littleEndian) { out += $0 }
        }
        return out + [UInt8](repeating: 0, count: Self.byteCount - out.count)
    }

    /// The view recorded in `bytes` (at least `byteCount` of them, from its start index).
    public init(bytes: ArraySlice<UInt8>) {
        precondition(bytes.count >= Self.byteCount, "ViewParams: \(bytes.count) bytes, a record has \(Self.byteCount)")
        let b = Array(bytes.prefix(Self.byteCount))
        func i32(_ k: Int) -> Int { b.withUnsafeBytes { Int(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))) } }
        func f32(_ k: Int) -> Float {
            b.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 39 + 4 * k, as: UInt32.self))) }
        }
        self.init(
            srcHeight: i32(0), srcWidth: i32(1), top: i32(2), left: i32(3), height: i32(4), width: i32(5), flipped: b[36] & 1 != 0,
            outHeight: i32(6), outWidth: i32(7), resampled: b[36] & 2 != 0)
        blurKernel = i32(8)
        jittered = b[36] & 4 != 0
        grayscale = b[36] & 8 != 0
        solarized = b[36] & 16 != 0
        jitterOrder = b.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: 37, as: UInt16.self)) }
        brightness = f32(0)
        contrast = f32(1)
        saturation = f32(2)
        hue = f32(3)
        blurSigma = f32(4)
        solarizeThreshold = f32(5)
    }
}
