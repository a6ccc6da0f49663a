import Support

/// Tensors to and from little-endian bytes (safetensors and other file formats).
extension Tensor {
    /// How a file stores floating-point elements.
    public enum StoredFloat: Sendable {
        /// IEEE binary32 (4 bytes).
        case float32
        /// IEEE binary16 (2 bytes).
        case float16
        /// bfloat16, the top half of a binary32 (2 bytes).
        case bfloat16

        /// Bytes per element.
        public var size: Int { self == .float32 ? 4 : 2 }
    }

    /// A tensor of `shape` from `shape.count` little-endian elements of `format` at `bytes[offset...]`
    /// (the caller checked the length).
    public init(shape: Shape, littleEndian bytes: [UInt8], offset: Int, format: StoredFloat) {
        self = bytes.withUnsafeBytes { raw in
            let p = raw.baseAddress! + offset
            return Tensor(shape: shape) { out in
                for i in 0..<out.count {
                    switch format {
                    case .float32: out[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case .float16: out[i] = Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    case .bfloat16:
                        out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
        }
    }

    /// The elements as little-endian binary32 bytes, row-major (a plain copy on a little-endian machine).
    public var littleEndianBytes: [UInt8] {
        withUnsafeBufferPointer { values in
            #if _endian(little)
                return Array(UnsafeRawBufferPointer(values))
            #else
                return values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
            #endif
        }
    }
}

extension IntegerTensor where Scalar == Int64 {
    /// A tensor of `shape` from `shape.count` little-endian Int64 elements at `bytes[offset...]`.
    public init(shape: Shape, littleEndian bytes: [UInt8], offset: Int) {
        self.init(shape: shape, scalars: LittleEndian.values(Int64.self, from: Array(bytes[offset..<(offset + 8 * shape.count)])))
    }

    /// The elements as little-endian Int64 bytes, row-major.
    public var littleEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * scalars.count)
        for v in scalars { LittleEndian.append(v, to: &out) }
        return out
    }
}
