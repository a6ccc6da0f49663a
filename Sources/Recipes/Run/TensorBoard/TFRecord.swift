/// TFRecord framing (TensorFlow's `tf.io.TFRecordWriter`, the container of TensorBoard event files):
/// each record is `uint64 length` (little-endian), `uint32 masked_crc32c(length bytes)`, the data,
/// `uint32 masked_crc32c(data)`.
public enum TFRecord {
    /// `data` framed as one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        var out = length
        out += littleEndian(CRC32C.masked(length))
        out += data
        out += littleEndian(CRC32C.masked(data))
        return out
    }

    /// The little-endian bytes of `value`.
    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
