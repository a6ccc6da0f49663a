import ArgumentParser
import Foundation
import Recipes

/// `retort cache-logits RECIPE --out CACHE [--epochs E] [--top-k K] [--dtype f16|f32] [--pool N] [--set a.b=c]...`:
/// the recipe's teachers run once over exactly the views its student run draws; their top-k target
/// logits go to a cache that a student recipe reads with `teacher_cache: CACHE` (see `TeacherCache`).
/// A killed call continues where it stopped when run again with the same arguments.
struct CacheLogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-logits",
        abstract: "Cache a distillation recipe's teacher outputs for the exact views of its student run.")
    @Argument(help: "The distillation recipe (its teachers are run; its data, seed and length fix the views).")
    var recipe: String
    @Option(help: "The cache file to write (a Retort store).")
    var out: String
    @Option(help: "The run length in epochs (train.epochs); default: the recipe's.")
    var epochs: Int?
    @Option(name: .customLong("top-k"), help: "Logits kept per view (default: all classes).")
    var topK: Int?
    @Option(help: "Stored value type: f16 or f32.")
    var dtype: String = "f16"
    @Option(help: "Pool mode: record N views per sample (FKD/ml-dr style; the student draws among them each epoch). Default: exact mode.")
    var pool: Int?
    @Option(name: .customLong("set"), help: "Override a recipe value, e.g. --set data.batch_size=256 (repeatable).")
    var overrides: [String] = []

    func run() throws {
        try reportingErrors {
            guard let type = TeacherCache.ValueType(rawValue: dtype) else { throw ValidationError("--dtype must be f16 or f32, got \(dtype)") }
            let loaded = try RecipeLoader().load(
                contentsOf: URL(fileURLWithPath: recipe),
                overrides: overrides + (epochs.map { ["train.epochs=\($0)"] } ?? []))
            applyProcessSettings(loaded.train)
            let s = try TeacherCache.write(recipe: loaded, to: out, topK: topK, dtype: type, pool: pool) {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
            let what =
                s.header.poolSize.map { "a pool of \($0) recorded views per sample" } ?? "\(s.header.steps) steps x \(s.header.batchSize) views"
            print("wrote \(s.path): \(what), top \(s.header.topK) of \(s.header.classes) in \(s.header.dtype.rawValue), \(s.fileBytes) bytes")
        }
    }
}
