/// Raw uint8 pixels in HWC order.
public struct RawImage: Sendable, Equatable {
    /// Height in pixels.
    public var height: Int
    /// Width in pixels.
    public var width: Int
    /// Channels (1 gray or 3 RGB).
    public var channels: Int
    /// `height * width * channels` bytes, HWC.
    public var pixels: [UInt8]

    /// An image; `pixels.count` must equal `height * width * channels`.
    public init(height: Int, width: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == height * width * channels, "RawImage: pixel count does not match [H, W, C]")
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
    }
}

/// One field's value in a sample being written.
public enum FieldValue: Sendable, Equatable {
    /// Raw pixels (for a `raw` image field).
    case image(RawImage)
    /// An encoded JPEG/PNG file with its decoded size (for a stored image field).
    case encodedImage(codec: ImageCodec, bytes: [UInt8], height: Int, width: Int, channels: Int)
    /// Int32 values.
    case ints([Int32])
    /// Float32 values.
    case floats([Float])
    /// Opaque bytes.
    case bytes([UInt8])
    /// UTF-8 text.
    case text(String)
}

/// One sample to write: an id (e.g. its index in the source), a label (-1 for none) and one
/// value per schema field, in schema order.
public struct StoreSample: Sendable, Equatable {
    /// The stable sample id (source index), independent of the write-time shuffle.
    public var id: UInt64
    /// The class label, or -1.
    public var label: Int32
    /// One value per schema field.
    public var values: [FieldValue]

    /// A sample.
    public init(id: UInt64, label: Int32 = -1, values: [FieldValue]) {
        self.id = id
        self.label = label
        self.values = values
    }
}

/// What a finished write produced.
public struct StoreSummary: Sendable {
    /// The final path.
    public var path: String
    /// Samples written.
    public var samples: Int
    /// Chunks written.
    public var chunks: Int
    /// File size in bytes.
    public var fileBytes: Int
    /// Uncompressed payload bytes over all chunks.
    public var rawBytes: Int
    /// XXH64 of the index: the dataset fingerprint.
    public var fingerprint: UInt64
}
