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
                    case .float16: out[i] = Tensor.halfToFloat(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
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

    /// IEEE 754 binary16 → binary32.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            return Float(mantissa) * Float(sign != 0 ? -1 : 1) / 16_777_216  // 2^-24
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}

extension IntegerTensor where Scalar == Int64 {
    /// A tensor of `shape` from `shape.count` little-endian Int64 elements at `bytes[offset...]`.
    public init(shape: Shape, littleEndian bytes: [UInt8], offset: Int) {
        let values = bytes.withUnsafeBytes { raw in
            (0..<shape.count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8 * $0, as: Int64.self)) }
        }
        self.init(shape: shape, scalars: values)
    }

    /// The elements as little-endian Int64 bytes, row-major.
    public var littleEndianBytes: [UInt8] {
        scalars.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * Int64($0))) } }
    }
}
