/// One TensorBoard `Event` protobuf (tensorflow/core/util/event.proto), encoded by hand with the
/// few fields TensorBoard reads: `wall_time` (1, double), `step` (2, int64), `file_version`
/// (3, string) or `summary` (5) holding `Summary.Value`s (tag = 1; `simple_value` = 2, float32; or
/// a text-plugin string tensor: `metadata` = 9 with `plugin_data.plugin_name = "text"`, `tensor` = 8
/// with `dtype` DT_STRING (7), a scalar `tensor_shape` and one `string_val` (8)).
public struct TensorBoardEvent: Sendable, Equatable {
    /// A summary value of the event.
    public enum Value: Sendable, Equatable {
        /// A scalar (`simple_value`).
        case scalar(tag: String, value: Float)
        /// A text summary (the text plugin renders it as Markdown).
        case text(tag: String, value: String)
    }

    /// Seconds since 1970.
    public var wallTime: Double
    /// The training step.
    public var step: Int64
    /// `brain.Event:2` for the first event of a file, else nil.
    public var fileVersion: String?
    /// The summary values (empty for the file-version event).
    public var values: [Value]

    /// An event.
    public init(wallTime: Double, step: Int64, fileVersion: String? = nil, values: [Value] = []) {
        self.wallTime = wallTime
        self.step = step
        self.fileVersion = fileVersion
        self.values = values
    }

    /// The protobuf wire bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        Self.tag(1, wire: 1, into: &out)
        out += TFRecord.littleEndian(wallTime.bitPattern)
        Self.tag(2, wire: 0, into: &out)
        Self.varint(UInt64(bitPattern: step), into: &out)
        if let fileVersion { Self.bytes(3, Array(fileVersion.utf8), into: &out) }
        if !values.isEmpty {
            var summary: [UInt8] = []
            for v in values { Self.bytes(1, Self.encode(v), into: &summary) }
            Self.bytes(5, summary, into: &out)
        }
        return out
    }

    private static func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        switch value {
        case .scalar(let tag, let v):
            bytes(1, Array(tag.utf8), into: &out)
            Self.tag(2, wire: 5, into: &out)
            out += TFRecord.littleEndian(v.bitPattern)
        case .text(let tag, let text):
            bytes(1, Array(tag.utf8), into: &out)
            var tensor: [UInt8] = []
            Self.tag(1, wire: 0, into: &tensor)
            varint(7, into: &tensor)  // DT_STRING
            bytes(2, [], into: &tensor)  // scalar shape
            bytes(8, Array(text.utf8), into: &tensor)
            bytes(8, tensor, into: &out)
            var pluginData: [UInt8] = []
            bytes(1, Array("text".utf8), into: &pluginData)
            var metadata: [UInt8] = []
            bytes(1, pluginData, into: &metadata)
            bytes(9, metadata, into: &out)
        }
        return out
    }

    private static func tag(_ field: UInt64, wire: UInt64, into out: inout [UInt8]) { varint(field << 3 | wire, into: &out) }

    private static func bytes(_ field: UInt64, _ data: [UInt8], into out: inout [UInt8]) {
        tag(field, wire: 2, into: &out)
        varint(UInt64(data.count), into: &out)
        out += data
    }

    private static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
