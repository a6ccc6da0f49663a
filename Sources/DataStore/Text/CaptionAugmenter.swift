import Support

/// DeCLIP's caption augmentation: EDA (Wei & Zou 2019, `eda.py`), one operation drawn uniformly
/// per caption, as DeCLIP's dataset draws one of synonym replacement, random swap and random
/// deletion. `alpha` is EDA's share of words changed (`n = max(1, ⌊alpha · words⌋)`).
public struct CaptionAugmenter: Sendable, Equatable {
    /// The operation applied to one caption.
    public enum Operation: UInt8, Sendable, CaseIterable {
        /// `n` words that have synonyms are replaced by a random synonym each (EDA `synonym_replacement`).
        case synonymReplacement = 1
        /// `n` times, two random positions are swapped (EDA `random_swap`).
        case randomSwap = 2
        /// Each word is deleted with probability `alpha`, one random word kept if all go (EDA `random_deletion`).
        case randomDeletion = 3
    }

    /// Word → its synonyms (e.g. `FashionCaptioner.synonyms`).
    public var synonyms: [String: [String]]
    /// EDA's change rate (0.1 in EDA's defaults).
    public var alpha: Float

    /// An augmenter over `synonyms` with change rate `alpha`.
    public init(synonyms: [String: [String]] = FashionCaptioner.synonyms, alpha: Float = 0.1) {
        self.synonyms = synonyms
        self.alpha = alpha
    }

    /// The augmented words and the operation drawn, from `rng`.
    public func augment(_ words: [String], rng: inout Philox) -> (words: [String], operation: Operation) {
        let op = Operation.allCases[rng.nextInt(below: 3)]
        guard !words.isEmpty else { return (words, op) }
        let n = max(1, Int(alpha * Float(words.count)))
        var out = words
        switch op {
        case .synonymReplacement:
            var candidates = out.indices.filter { synonyms[out[$0]]?.isEmpty == false }
            for _ in 0..<n where !candidates.isEmpty {
                let k = candidates.remove(at: rng.nextInt(below: candidates.count))
                let choices = synonyms[out[k]]!
                out[k] = choices[rng.nextInt(below: choices.count)]
            }
        case .randomSwap:
            for _ in 0..<n where out.count > 1 {
                out.swapAt(rng.nextInt(below: out.count), rng.nextInt(below: out.count))
            }
        case .randomDeletion:
            let kept = out.filter { _ in rng.nextUniform() >= alpha }
            out = kept.isEmpty ? [out[rng.nextInt(below: out.count)]] : kept
        }
        return (out, op)
    }
}
