/// Every failure the store can report; each case names the file and, where it applies, the chunk,
/// sample or field, so that corrupt or truncated data is never returned silently.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An operating-system call failed on `path`.
    case io(path: String, message: String)
    /// The file does not start with the store magic.
    case badMagic(path: String)
    /// The file's format version is not one this reader understands.
    case unsupportedVersion(path: String, found: UInt32)
    /// The header (magic, version, schema) does not match its checksum or is malformed.
    case corruptHeader(path: String, detail: String)
    /// The file is shorter than its footer says, or the footer is missing (an interrupted write).
    case truncated(path: String, detail: String)
    /// The footer does not match its checksum.
    case corruptFooter(path: String, detail: String)
    /// The index does not match its checksum or describes impossible positions.
    case corruptIndex(path: String, detail: String)
    /// A chunk's bytes do not match the checksum recorded in the index.
    case chunkChecksum(path: String, chunk: Int)
    /// A chunk passed its checksum but could not be decompressed to its recorded size.
    case chunkDecode(path: String, chunk: Int, detail: String)
    /// A sample's field could not be decoded (bad JPEG/PNG, wrong size, bad UTF-8).
    case sampleDecode(path: String, sample: Int, field: String, detail: String)
    /// A sample index, field name or argument is out of range.
    case invalidArgument(String)
    /// Ingest input (idx, CIFAR, folder, caption list) is malformed.
    case badInput(path: String, detail: String)

    /// A one-line human-readable message naming the file and location.
    public var description: String {
        switch self {
        case .io(let p, let m): return "\(p): I/O error: \(m)"
        case .badMagic(let p): return "\(p): not a Retort store (bad magic)"
        case .unsupportedVersion(let p, let v): return "\(p): unsupported store version \(v)"
        case .corruptHeader(let p, let d): return "\(p): corrupt header: \(d)"
        case .truncated(let p, let d): return "\(p): truncated or incomplete store: \(d)"
        case .corruptFooter(let p, let d): return "\(p): corrupt footer: \(d)"
        case .corruptIndex(let p, let d): return "\(p): corrupt index: \(d)"
        case .chunkChecksum(let p, let c): return "\(p): chunk \(c): checksum mismatch"
        case .chunkDecode(let p, let c, let d): return "\(p): chunk \(c): \(d)"
        case .sampleDecode(let p, let s, let f, let d): return "\(p): sample \(s), field '\(f)': \(d)"
        case .invalidArgument(let m): return m
        case .badInput(let p, let d): return "\(p): \(d)"
        }
    }
}
