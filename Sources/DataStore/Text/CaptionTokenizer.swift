/// Turns captions into fixed-length token ids for the text tower: a word vocabulary (one id per
/// word of `words`, unknown words → `unknown`) or UTF-8 bytes. Ids `0..<5` are special:
/// `padding`, `start`, `end`, `mask` (MLM) and `unknown`; a sequence is
/// `start, tokens..., end, padding...` of exactly `contextLength` ids, truncated so that `end`
/// always fits (CLIP's `tokenize(truncate=True)` keeps the end token the same way).
public struct CaptionTokenizer: Sendable, Equatable {
    /// Padding (attention mask 0).
    public static let padding: Int32 = 0
    /// Start of text.
    public static let start: Int32 = 1
    /// End of text (the text tower pools this position).
    public static let end: Int32 = 2
    /// MLM's mask token.
    public static let mask: Int32 = 3
    /// A word outside the vocabulary.
    public static let unknown: Int32 = 4
    /// The number of special ids.
    public static let specialCount = 5
    /// The names of the special ids, in id order.
    public static let specialNames = ["<pad>", "<start>", "<end>", "<mask>", "<unk>"]

    /// What a token is.
    public enum Kind: Sendable, Equatable {
        /// One token per word of this list (id = 5 + position), words split by `FashionCaptioner.words(of:)`.
        case words([String])
        /// One token per UTF-8 byte (id = 5 + byte).
        case bytes
    }

    /// The token kind.
    public let kind: Kind
    /// The sequence length L (≥ 2).
    public let contextLength: Int
    private let index: [String: Int32]

    /// A tokenizer of `kind` producing `contextLength` ids per caption; throws for a context below 2
    /// or a word list with a duplicate or empty word.
    public init(kind: Kind, contextLength: Int) throws {
        guard contextLength >= 2 else { throw StoreError.invalidArgument("text context length must be at least 2, got \(contextLength)") }
        self.kind = kind
        self.contextLength = contextLength
        var index: [String: Int32] = [:]
        if case .words(let words) = kind {
            for (i, w) in words.enumerated() {
                guard !w.isEmpty else { throw StoreError.invalidArgument("vocabulary entry \(i) is empty") }
                guard index[w] == nil else { throw StoreError.invalidArgument("vocabulary word '\(w)' appears twice") }
                index[w] = Int32(Self.specialCount + i)
            }
        }
        self.index = index
    }

    /// The number of ids, specials included.
    public var vocabularySize: Int {
        switch kind {
        case .words(let w): Self.specialCount + w.count
        case .bytes: Self.specialCount + 256
        }
    }

    /// The vocabulary as recorded in a checkpoint: the special names, then every word (or `bytes`).
    public var vocabularyList: [String] {
        switch kind {
        case .words(let w): Self.specialNames + w
        case .bytes: Self.specialNames + ["<bytes>"]
        }
    }

    /// The tokenizer recorded by `vocabularyList` (inverse of it).
    public init(vocabularyList: [String], contextLength: Int) throws {
        guard vocabularyList.count > Self.specialCount, Array(vocabularyList.prefix(Self.specialCount)) == Self.specialNames else {
            throw StoreError.invalidArgument("not a caption vocabulary (it must start with \(Self.specialNames))")
        }
        let rest = Array(vocabularyList.dropFirst(Self.specialCount))
        try self.init(kind: rest == ["<bytes>"] ? .bytes : .words(rest), contextLength: contextLength)
    }

    /// The ids of one caption's tokens, without start/end/padding.
    public func tokens(_ words: [String]) -> [Int32] {
        switch kind {
        case .words: return words.map { index[$0] ?? Self.unknown }
        case .bytes: return Array(words.joined(separator: " ").utf8).map { Int32(Self.specialCount) + Int32($0) }
        }
    }

    /// `[L]` ids of a caption given as words, and whether its tokens had to be truncated.
    public func encode(words: [String]) -> (ids: [Int32], truncated: Bool) {
        let body = tokens(words)
        let kept = body.prefix(contextLength - 2)
        var ids = [Self.start] + kept + [Self.end]
        ids += [Int32](repeating: Self.padding, count: contextLength - ids.count)
        return (ids, kept.count < body.count)
    }

    /// `[L]` ids of a caption.
    public func encode(_ caption: String) -> (ids: [Int32], truncated: Bool) {
        encode(words: FashionCaptioner.words(of: caption))
    }

    /// The words (or text, for bytes) of `ids`, special ids dropped (`<mask>`/`<unk>` kept as names).
    public func decode(_ ids: [Int32]) -> String {
        switch kind {
        case .words(let w):
            return ids.compactMap { id -> String? in
                if id == Self.mask || id == Self.unknown { return Self.specialNames[Int(id)] }
                let k = Int(id) - Self.specialCount
                return k >= 0 && k < w.count ? w[k] : nil
            }.joined(separator: " ")
        case .bytes:
            let bytes = ids.compactMap { id -> UInt8? in
                let b = Int(id) - Self.specialCount
                return b >= 0 && b < 256 ? UInt8(b) : nil
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
