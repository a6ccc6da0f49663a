/// Where a distillation objective's teacher outputs come from when it reads a teacher-logit cache
/// (`retort cache-logits`) instead of running `teachers`: the objective keys
/// ```yaml
/// teacher_cache: cache/kd-fmnist.rstore   # in place of `teachers:`
/// cache_targets: renormalized             # or uniform_rest
/// ```
/// `cache_targets` says how the target logits `[N, C]` are rebuilt from the cached top-k (exact,
/// whichever is chosen, when the cache holds all C classes): `renormalized` (FKD) keeps the k cached
/// logits and gives the other classes none of the mass at any temperature (their logits are the
/// smallest cached one − 10⁴); `uniform_rest` keeps the k cached probabilities and spreads the
/// remaining mass 1 − Σ_k p_k evenly over the other C − k classes (from the cached log-sum-exp), at
/// T = 1.
public struct TeacherCacheOptions: Codable, Sendable, Equatable {
    /// How missing classes get their share.
    public enum Targets: String, RecipeName {
        /// FKD: the top-k renormalised.
        case renormalized
        /// The rest of the mass spread uniformly over the other classes.
        case uniformRest = "uniform_rest"
        /// For messages.
        public static let kindName = "cache target"
    }

    /// The cache file.
    public var path: String
    /// The reconstruction of the missing classes.
    public var targets: Targets = .renormalized

    /// A cache at `path` rebuilt with `targets`.
    public init(path: String, targets: Targets = .renormalized) {
        self.path = path
        self.targets = targets
    }
}

extension KeyedDecodingContainer {
    /// The teachers of a distillation objective: the `teachers` list at `teachersKey`, or a cache at
    /// `cacheKey` (then `targetsKey` may choose its reconstruction), not both.
    func loadTeacherSource(
        _ teachersKey: Key, cache cacheKey: Key, targets targetsKey: Key, oldKeys: [Key],
        objective: String, minimum: Int = 1
    ) throws -> (teachers: [TeacherOptions], cache: TeacherCacheOptions?) {
        let hasTeachers = try contains(teachersKey) && !decodeNil(forKey: teachersKey)
        guard contains(cacheKey), try !decodeNil(forKey: cacheKey) else {
            if contains(targetsKey) { throw invalid(targetsKey, "is only read with teacher_cache") }
            return (try loadTeachers(teachersKey, oldKeys: oldKeys, objective: objective, minimum: minimum), nil)
        }
        if hasTeachers { throw invalid(cacheKey, "give teachers or teacher_cache, not both") }
        var cache = TeacherCacheOptions(path: try require(cacheKey, .nonEmpty))
        try load(&cache.targets, targetsKey)
        return ([], cache)
    }
}

extension KeyedEncodingContainer {
    /// Writes `teachers`, or the cache keys when `cache` is set.
    mutating func encodeTeacherSource(
        _ teachers: [TeacherOptions], cache: TeacherCacheOptions?, teachersKey: Key, cacheKey: Key,
        targetsKey: Key
    ) throws {
        if let cache {
            try encode(cache.path, forKey: cacheKey)
            try encode(cache.targets, forKey: targetsKey)
        } else {
            try encode(teachers, forKey: teachersKey)
        }
    }
}
