import Foundation

/// The runs of `retort sweep`: the Cartesian product of the `--grid` axes (each `key.path=v1,v2,...`,
/// first axis slowest) times `seeds` seeds (`train.seed` = the recipe's seed + 0, 1, ...), each run
/// named by its grid values and seed (`optimizer.lr=0.1,seed=1`) and trained with the `--set`
/// overrides, then its grid values, then its seed.
public struct SweepPlan: Sendable, Equatable {
    /// One run of the sweep.
    public struct Run: Sendable, Equatable {
        /// The run folder's name.
        public var name: String
        /// The overrides that make this run from the recipe (`--set`s, grid values, `train.seed`).
        public var overrides: [String]
    }

    /// One grid axis: a key path and its values (YAML text each).
    public struct Axis: Sendable, Equatable {
        /// `a.b.c`.
        public var key: String
        /// The values, in order.
        public var values: [String]

        /// Parses `key.path=v1,v2,...`; values are split at commas outside brackets and braces, so
        /// `data.views.0.crop.scale=[0.2, 1],[0.08, 1]` has two values.
        public init(parsing text: String) throws {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw SweepError("--grid '\(text)' must be KEY.PATH=V1,V2,...")
            }
            key = String(text[..<eq])
            values = Self.split(String(text[text.index(after: eq)...]))
            guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else { throw SweepError("--grid '\(text)' has an empty value") }
            guard Set(values).count == values.count else { throw SweepError("--grid '\(text)' repeats a value") }
        }

        private static func split(_ s: String) -> [String] {
            var parts: [String] = []
            var current = ""
            var depth = 0
            for ch in s {
                if ch == "[" || ch == "{" { depth += 1 }
                if ch == "]" || ch == "}" { depth -= 1 }
                if ch == "," && depth == 0 {
                    parts.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                    continue
                }
                current.append(ch)
            }
            parts.append(current.trimmingCharacters(in: .whitespaces))
            return parts
        }
    }

    /// The runs, in the order they are trained.
    public var runs: [Run]

    /// The plan for `grid` axes, `seeds` seeds from `baseSeed`, and the `--set` overrides `sets`.
    public init(grid: [Axis], seeds: Int, baseSeed: UInt64, sets: [String]) throws {
        guard seeds >= 1 else { throw SweepError("--seeds must be >= 1, got \(seeds)") }
        let keys = grid.map(\.key)
        if let dup = keys.first(where: { k in keys.filter { $0 == k }.count > 1 }) { throw SweepError("--grid names \(dup) twice") }
        if keys.contains("train.seed") { throw SweepError("--grid train.seed: use --seeds for seeds") }
        var combos: [[(String, String)]] = [[]]
        for axis in grid { combos = combos.flatMap { c in axis.values.map { c + [(axis.key, $0)] } } }
        runs = []
        for combo in combos {
            for k in 0..<seeds {
                let seed = baseSeed + UInt64(k)
                let label = (combo.map { "\($0.0)=\(Self.safe($0.1))" } + ["seed=\(seed)"]).joined(separator: ",")
                runs.append(Run(name: label, overrides: sets + combo.map { "\($0.0)=\($0.1)" } + ["train.seed=\(seed)"]))
            }
        }
    }

    /// A value as a folder-name part: `/` and spaces become `_`.
    static func safe(_ value: String) -> String {
        String(value.map { $0 == "/" || $0 == " " ? "_" : $0 })
    }
}
