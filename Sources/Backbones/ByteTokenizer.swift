import TensorCore

/// A byte-level tokenizer for the text transformer: each UTF-8 byte is a token (0-255), plus
/// `padding` (256), `start` (257) and `end` (258). A sequence is `start, bytes..., end, padding...`,
/// truncated to keep `end` within `contextLength`.
public struct ByteTokenizer: Sendable {
    /// The padding id.
    public static let padding: Int32 = 256
    /// The start-of-text id.
    public static let start: Int32 = 257
    /// The end-of-text id.
    public static let end: Int32 = 258
    /// The vocabulary size (259).
    public static let vocabularySize = 259

    /// The sequence length L.
    public var contextLength: Int

    /// A tokenizer producing sequences of `contextLength` (at least 2) tokens.
    public init(contextLength: Int) {
        precondition(contextLength >= 2, "ByteTokenizer: context length \(contextLength) < 2")
        self.contextLength = contextLength
    }

    /// The ids of one text, `[L]`.
    public func encode(_ text: String) -> [Int32] {
        let bytes = Array(text.utf8.prefix(contextLength - 2)).map { Int32($0) }
        let ids = [ByteTokenizer.start] + bytes + [ByteTokenizer.end]
        return ids + [Int32](repeating: ByteTokenizer.padding, count: contextLength - ids.count)
    }

    /// Token ids `[B, L]` and the attention mask `[B, L]` (1 for real tokens, 0 for padding).
    public func encode(batch texts: [String]) -> (ids: IntTensor, mask: Tensor) {
        let ids = texts.flatMap { encode($0) }
        let mask = ids.map { $0 == ByteTokenizer.padding ? Float(0) : 1 }
        return (IntTensor(shape: [texts.count, contextLength], scalars: ids), Tensor(shape: [texts.count, contextLength], scalars: mask))
    }

    /// The text of a sequence (special tokens dropped; invalid UTF-8 repaired).
    public func decode(_ ids: [Int32]) -> String {
        String(decoding: ids.filter { $0 >= 0 && $0 < 256 }.map { UInt8($0) }, as: UTF8.self)
    }
}
