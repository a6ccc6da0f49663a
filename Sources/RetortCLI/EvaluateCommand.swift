import ArgumentParser
import Foundation
import Recipes

/// `retort evaluate RUN_DIR [--checkpoint last] [--json]`: scores a checkpoint set of a run on its
/// validation part as the run does (validation kNN top-1 and the objective's own held-out metrics,
/// such as SwAV's prototypes in use), without training.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a run's checkpoint on its validation part (kNN and the objective's held-out metrics).")

    @Argument(help: "The run folder (holds resolved.yaml and checkpoints/).")
    var runDir: String
    @Option(help: "The checkpoint set to load: last, or another complete set in checkpoints/.")
    var checkpoint = "last"
    @Flag(help: "Print one JSON object instead of lines.")
    var json = false

    func run() throws {
        try reportingErrors {
            let run = try RunDirectory.open(existing: URL(fileURLWithPath: runDir))
            let recipe = try RecipeLoader().load(contentsOf: run.resolvedRecipe)
            applyProcessSettings(recipe.train)
            var trainer = Trainer(recipe: recipe, run: run)
            trainer.log = { _ in }
            let metrics = try trainer.evaluate(checkpoint: checkpoint)
            if json {
                let data = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for (k, v) in metrics.sorted(by: { $0.key < $1.key }) { print("\(k) \(v)") }
            }
        }
    }
}
