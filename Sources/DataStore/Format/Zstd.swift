import CZstd

/// Thin wrappers over libzstd's one-shot API (standard frames, so `zstd -d` reads any chunk).
public enum Zstd {
    /// Compresses `src` into one zstd frame at `level`.
    public static func compress(_ src: UnsafeRawBufferPointer, level: Int) throws -> [UInt8] {
        let bound = ZSTD_compressBound(src.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, Int32(level))
        }
        if ZSTD_isError(n) != 0 {
            throw StoreError.invalidArgument("zstd compress failed: \(String(cString: ZSTD_getErrorName(n)))")
        }
        out.removeSubrange(n...)
        return out
    }

    /// Decompresses one frame of exactly `dst.count` bytes; returns an error message or nil.
    public static func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) -> String? {
        let size = ZSTD_getFrameContentSize(src.baseAddress, src.count)
        if size == ZSTD_CONTENTSIZE_ERROR { return "not a zstd frame" }
        if size != ZSTD_CONTENTSIZE_UNKNOWN && size != UInt64(dst.count) {
            return "frame content size \(size) != recorded \(dst.count)"
        }
        let n = ZSTD_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count)
        if ZSTD_isError(n) != 0 { return "zstd: \(String(cString: ZSTD_getErrorName(n)))" }
        if n != dst.count { return "decompressed \(n) bytes, expected \(dst.count)" }
        return nil
    }
}
