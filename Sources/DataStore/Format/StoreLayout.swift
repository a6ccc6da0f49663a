/// Byte layout constants of the `.rstore` format (see FORMAT.md). All integers are little-endian.
public enum StoreLayout {
    /// The format version this code writes and reads.
    public static let version: UInt32 = 1
    /// The 8 magic bytes at offset 0: "RTSTORE\0".
    static let headerMagic: [UInt8] = Array("RTSTORE".utf8) + [0]
    /// The 8 magic bytes that start the footer: "RTSTEND\0".
    static let footerMagic: [UInt8] = Array("RTSTEND".utf8) + [0]
    /// Header bytes before the schema: magic, version, header length, schema length, reserved.
    static let headerFixed = 24
    /// The footer's size: magic, version, reserved, index offset/length/hash, sample and chunk
    /// counts, file length, footer hash.
    static let footerSize = 72
    /// Bytes per chunk-table row.
    static let chunkEntrySize = 40
    /// Bytes per sample per blob field in the location table: chunk u32, offset u32, length u32.
    static let locationSize = 12
    /// Bytes per sample per image field in the image table: h u16, w u16, c u8, codec u8, pad u16.
    static let imageInfoSize = 8
    /// Chunk codec: bytes stored as is.
    static let codecStored: UInt8 = 0
    /// Chunk codec: one standard zstd frame.
    static let codecZstd: UInt8 = 1

    /// Index size in bytes for the given counts.
    static func indexSize(samples n: Int, chunks: Int, fields: [FieldSpec]) -> Int {
        let images = fields.filter { $0.kind == .image }.count
        return chunks * chunkEntrySize + n * (8 + 4) + n * locationSize * fields.count + n * imageInfoSize * images
    }
}

/// One row of the chunk table.
public struct ChunkEntry: Sendable, Equatable {
    /// Absolute file offset of the chunk's bytes.
    public var fileOffset: UInt64
    /// Bytes in the file.
    public var storedLength: UInt32
    /// Bytes after decompression.
    public var rawLength: UInt32
    /// The field whose samples the chunk holds.
    public var field: UInt16
    /// 0 stored, 1 zstd.
    public var codec: UInt8
    /// The first sample (stored order) with bytes in this chunk.
    public var firstSample: UInt32
    /// How many consecutive samples have bytes in this chunk.
    public var sampleCount: UInt32
    /// XXH64 of the stored bytes.
    public var hash: UInt64
}

/// Little-endian append helpers for building header, index and footer bytes.
extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawPointer {
    @inline(__always) func le<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
