/// Levenshtein distance and closest-match suggestions for error messages.
enum EditDistance {
    /// Levenshtein distance between two strings (case-insensitive).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased())
        let y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        let limit = Swift.max(2, Swift.min(word.count, candidate.count) / 2)
        if d <= limit { return candidate }
        // A prefix or containment match (e.g. `warmup` for `warmup_epochs`).
        if candidate.hasPrefix(word) || word.hasPrefix(candidate) { return candidate }
        return nil
    }
}
