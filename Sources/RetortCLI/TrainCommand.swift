import ArgumentParser
import Foundation
import Kernels
import Recipes

/// `retort train RECIPE [--set a.b=c]... [--run-dir DIR]` and `retort train --resume RUN_DIR`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a recipe, or resume a run.")

    @Argument(help: "The recipe YAML file.")
    var recipe: String?
    @Option(name: .customLong("set"), help: "Override a recipe value, e.g. --set optimizer.lr=0.5 (repeatable).")
    var overrides: [String] = []
    @Option(name: .customLong("run-dir"), help: "The run folder (default: runs/<recipe name>).")
    var runDir: String?
    @Option(help: "Resume the run in this folder from its last checkpoint.")
    var resume: String?
    @Option(name: .customLong("exit-with-parent"), help: .hidden)
    var exitWithParent: Int32?

    func run() throws {
        if let exitWithParent { exitWhenOrphaned(parent: exitWithParent) }
        try reportingErrors {
            if let resume {
                let run = try RunDirectory.open(existing: URL(fileURLWithPath: resume))
                let recipe = try RecipeLoader().load(contentsOf: run.resolvedRecipe, overrides: overrides)
                let summary = try Trainer(recipe: recipe, run: run).train(resume: true)
                print(summaryLine(summary, run))
                return
            }
            guard let recipePath = recipe else { throw ValidationError("give a recipe file, or --resume RUN_DIR") }
            let url = URL(fileURLWithPath: recipePath)
            let recipe = try RecipeLoader().load(contentsOf: url, overrides: overrides)
            let name = url.deletingPathExtension().lastPathComponent
            let run = try RunDirectory.create(at: URL(fileURLWithPath: runDir ?? "runs/\(name)"))
            let summary = try Trainer(recipe: recipe, run: run).train()
            print(summaryLine(summary, run))
        }
    }

    private func summaryLine(_ s: RunSummary, _ run: RunDirectory) -> String {
        var line = "\(s.objective) \(s.backbone): \(s.steps) steps in \(ProgressReporter.formatDuration(s.wallSeconds))"
        if let r = s.imagesPerSecond { line += String(format: ", %.0f img/s (OpenBLAS %@)", r, BLAS.coreName) }
        for (k, v) in s.metrics.sorted(by: { $0.key < $1.key }) { line += String(format: ", %@ %.4f", k, v) }
        return line + "\ncheckpoint: \(run.checkpoint(named: "last").path)"
    }
}
