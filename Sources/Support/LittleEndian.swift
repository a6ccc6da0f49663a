/// Fixed-width integers to and from little-endian bytes, for file formats (teacher caches, headers),
/// by shifts: no raw memory access, the same bytes on any host.
public enum LittleEndian {
    /// Appends the `T.bitWidth / 8` bytes of `value`, least significant first.
    public static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        for k in 0..<(T.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
    }

    /// The `bytes.count / size` values of `type` stored in `bytes` (a shorter tail is ignored).
    public static func values<T: FixedWidthInteger>(_ type: T.Type, from bytes: [UInt8]) -> [T] {
        let size = T.bitWidth / 8
        return (0..<(bytes.count / size)).map { i in
            var v = T.zero
            for k in 0..<size { v |= T(truncatingIfNeeded: bytes[i * size + k]) << (8 * k) }
            return v
        }
    }
}
