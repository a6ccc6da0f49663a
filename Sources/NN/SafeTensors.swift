import Foundation
import Support
import TensorCore

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping names to `{dtype, shape, data_offsets}` plus an optional `__metadata__` string map, then
/// the raw little-endian data. Reads F32, F16 and BF16 (as Float32) and I64; writes F32 and I64.
public struct SafeTensors: Sendable {
    /// Float tensors by name (F16/BF16 entries are widened to Float32 on read).
    public var tensors: [String: Tensor] = [:]
    /// Integer (I64) tensors by name.
    public var integers: [String: Int64Tensor] = [:]
    /// The free-form `__metadata__` string map.
    public var metadata: [String: String] = [:]

    /// An empty file.
    public init(tensors: [String: Tensor] = [:], integers: [String: Int64Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.integers = integers
        self.metadata = metadata
    }

    /// Reads a safetensors file; throws `CheckpointError` naming the file on any problem.
    public static func read(from url: URL) throws -> SafeTensors {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.io(file: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(data, file: url.path)
    }

    /// Parses safetensors bytes; `file` names the source in errors.
    public static func parse(_ data: Data, file: String) throws -> SafeTensors {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw CheckpointError.malformed(file: file, message: "shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw CheckpointError.malformed(file: file, message: "header length \(headerLength) exceeds file size \(bytes.count)")
        }
        let dataStart = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) } catch {
            throw CheckpointError.malformed(file: file, message: "header is not JSON: \(error.localizedDescription)")
        }
        guard let header = json as? [String: Any] else { throw CheckpointError.malformed(file: file, message: "header is not a JSON object") }
        var result = SafeTensors()
        let dataCount = bytes.count - dataStart
        for (key, value) in header {
            if key == "__metadata__" {
                guard let m = value as? [String: Any] else { throw CheckpointError.malformed(file: file, message: "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else {
                        throw CheckpointError.malformed(file: file, message: "__metadata__ value for '\(k)' is not a string")
                    }
                    result.metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let dims = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw CheckpointError.malformed(file: file, message: "entry '\(key)' lacks dtype, shape or data_offsets") }
            // Negative or overflowing dimensions would trap in `Shape`; they are a malformed file.
            var elementCount = 1
            for d in dims {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: d)
                guard d >= 0, !overflow else {
                    throw CheckpointError.malformed(file: file, message: "entry '\(key)' has impossible shape \(dims)")
                }
                elementCount = product
            }
            let shape = Shape(dims)
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw CheckpointError.malformed(file: file, message: "entry '\(key)' offsets \(offsets) outside the \(dataCount)-byte data")
            }
            let elementSize: Int
            switch dtype {
            case "F32": elementSize = 4
            case "F16", "BF16": elementSize = 2
            case "I64": elementSize = 8
            default: throw CheckpointError.unsupportedDType(file: file, key: key, dtype: dtype)
            }
            let (byteCount, byteOverflow) = elementCount.multipliedReportingOverflow(by: elementSize)
            guard !byteOverflow, end - begin == byteCount else {
                throw CheckpointError.malformed(file: file, message: "entry '\(key)' has \(end - begin) bytes for \(dtype) shape \(shape)")
            }
            let base = dataStart + begin
            switch dtype {
            case "I64": result.integers[key] = Int64Tensor(shape: shape, littleEndian: bytes, offset: base)
            case "F16": result.tensors[key] = Tensor(shape: shape, littleEndian: bytes, offset: base, format: .float16)
            case "BF16": result.tensors[key] = Tensor(shape: shape, littleEndian: bytes, offset: base, format: .bfloat16)
            default: result.tensors[key] = Tensor(shape: shape, littleEndian: bytes, offset: base, format: .float32)
            }
        }
        return result
    }

    /// The file's bytes: keys sorted, data in key order, header padded with spaces to 8 bytes.
    public func serialized() -> Data {
        struct Item {
            let key: String
            let dtype: String
            let shape: Shape
            let bytes: Int
        }
        var items: [Item] = []
        for (k, t) in tensors { items.append(Item(key: k, dtype: "F32", shape: t.shape, bytes: 4 * t.count)) }
        for (k, t) in integers {
            precondition(tensors[k] == nil, "SafeTensors: key '\(k)' is both a float and an integer tensor")
            items.append(Item(key: k, dtype: "I64", shape: t.shape, bytes: 8 * t.scalars.count))
        }
        items.sort { $0.key < $1.key }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\($0.doubleQuotedLiteral):\(metadata[$0]!.doubleQuotedLiteral)" }.joined(separator: ",")
            parts.append("\"__metadata__\":{\(m)}")
        }
        var offset = 0
        for it in items {
            let dims = it.shape.dims.map(String.init).joined(separator: ",")
            parts.append(
                "\(it.key.doubleQuotedLiteral):{\"dtype\":\"\(it.dtype)\",\"shape\":[\(dims)],\"data_offsets\":[\(offset),\(offset + it.bytes)]}")
            offset += it.bytes
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        out.append(contentsOf: (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) })
        out.append(contentsOf: headerBytes)
        for it in items {
            if let t = tensors[it.key], it.dtype == "F32" {
                out.append(contentsOf: t.littleEndianBytes)
            } else if let t = integers[it.key] {
                out.append(contentsOf: t.littleEndianBytes)
            }
        }
        return out
    }

    /// Writes the file atomically (temp, fsync, rename) through `fileSystem`.
    public func write(to url: URL, fileSystem: some FileSystem = POSIXFileSystem()) throws {
        try AtomicFile.write(serialized(), to: url, fileSystem: fileSystem)
    }
}
