import Foundation

/// What a field holds.
public enum FieldKind: String, Codable, Sendable {
    /// An image: raw uint8 HWC pixels (zstd chunks) or a stored JPEG/PNG file.
    case image
    /// A variable-length array of little-endian Int32.
    case int32Array
    /// A variable-length array of little-endian Float32.
    case float32Array
    /// Opaque bytes.
    case bytes
    /// UTF-8 text (captions).
    case text
}

/// How an image field's pixels are stored.
public enum ImageCodec: String, Codable, Sendable {
    /// Raw uint8 HWC pixels, zstd-compressed chunks.
    case raw
    /// A JPEG file, stored as is (chunk not compressed; checksummed).
    case jpeg
    /// A PNG file, stored as is.
    case png

    /// The one-byte code used in the index's image table.
    public var code: UInt8 {
        switch self {
        case .raw: 0
        case .jpeg: 1
        case .png: 2
        }
    }
    /// The codec for an index code, or nil when unknown.
    public init?(code: UInt8) {
        switch code {
        case 0: self = .raw
        case 1: self = .jpeg
        case 2: self = .png
        default: return nil
        }
    }
}

/// One named, typed field of a store.
public struct FieldSpec: Codable, Equatable, Sendable {
    /// The field name (any UTF-8, never truncated).
    public var name: String
    /// What the field holds.
    public var kind: FieldKind
    /// For images: the storage policy (`raw`, or `jpeg`/`png` for stored encoded files; a stored
    /// field may still hold per-sample JPEG or PNG, recorded per sample in the index).
    public var imageCodec: ImageCodec?

    /// A field description.
    public init(name: String, kind: FieldKind, imageCodec: ImageCodec? = nil) {
        self.name = name
        self.kind = kind
        self.imageCodec = imageCodec
    }
    /// Whether this field's chunks are zstd-compressed (everything except stored JPEG/PNG).
    public var compressed: Bool { !(kind == .image && (imageCodec == .jpeg || imageCodec == .png)) }
}

/// The self-describing schema written (as canonical JSON) into the header.
public struct StoreSchema: Codable, Equatable, Sendable {
    /// The blob fields, in index order. Every store also has a sample id and a label column.
    public var fields: [FieldSpec]
    /// Whether the label column is meaningful (-1 where a sample has none).
    public var hasLabels: Bool
    /// Class names by label, when known.
    public var classNames: [String]
    /// Provenance: what the data came from (dataset name, split, source files).
    public var source: String
    /// The write-time shuffle seed, or nil when stored in source order.
    public var shuffleSeed: UInt64?
    /// Target uncompressed chunk size in bytes (a sample larger than this gets its own chunk).
    public var chunkBytes: Int
    /// The zstd compression level of compressed chunks.
    public var zstdLevel: Int
    /// The writer that produced the file.
    public var writer: String

    /// A schema with defaults: 256 KiB chunks, zstd level 3.
    public init(
        fields: [FieldSpec], hasLabels: Bool = true, classNames: [String] = [], source: String = "",
        shuffleSeed: UInt64? = nil, chunkBytes: Int = 256 * 1024, zstdLevel: Int = 3
    ) {
        self.fields = fields
        self.hasLabels = hasLabels
        self.classNames = classNames
        self.source = source
        self.shuffleSeed = shuffleSeed
        self.chunkBytes = chunkBytes
        self.zstdLevel = zstdLevel
        self.writer = "retort-store \(StoreLayout.version)"
    }

    /// The index of the field called `name`.
    public func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
    /// The index of the first image field.
    public var imageFieldIndex: Int? { fields.firstIndex { $0.kind == .image } }

    /// Canonical JSON bytes (sorted keys), so that equal schemas give identical files.
    func canonicalJSON() throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return Array(try enc.encode(self))
    }
}
