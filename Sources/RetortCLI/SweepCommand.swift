import ArgumentParser
import Foundation
import NN
import Recipes
import Support

/// `retort sweep RECIPE --seeds 3 --grid optimizer.lr=0.1,0.2 [--set k=v]... [--out DIR]`: one run
/// folder per grid point and seed, resumable (completed runs skipped, a half-done one resumed).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train a recipe over a grid of values and seeds, one run folder each; rerun to finish a killed sweep.")

    @Argument(help: "The recipe YAML file.")
    var recipe: String
    @Option(help: "Seeds per grid point (train.seed = the recipe's seed + 0, 1, ...).")
    var seeds: Int = 1
    @Option(help: "A grid axis KEY.PATH=V1,V2,... (repeatable; the product of all axes is run).")
    var grid: [String] = []
    @Option(name: .customLong("set"), help: "Override a recipe value for every run, e.g. --set train.epochs=2 (repeatable).")
    var overrides: [String] = []
    @Option(help: "The folder of the sweep's run folders (default: runs/sweep-<recipe name>).")
    var out: String?

    /// Runs `retort train` (this executable) for one run of the sweep, as a child process.
    private static func train(_ run: SweepPlan.Run, in folder: URL, resume: Bool, recipe: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path), let path = Bundle.main.executablePath {
            process.executableURL = URL(fileURLWithPath: path)
        }
        process.arguments =
            resume
            ? ["train", "--resume", folder.path]
            : ["train", recipe.path, "--run-dir", folder.path] + run.overrides.flatMap { ["--set", $0] }
        // Foundation starts the child in a session of its own, so a Ctrl-C or kill of the sweep would not reach it:
        // it exits by itself when the sweep is gone (a killed run, resumed by the next sweep).
        process.arguments! += ["--exit-with-parent", String(getpid())]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SweepError("run \(run.name) failed (retort train exited with \(process.terminationStatus)); fix it and rerun the sweep to continue")
        }
    }

    func run() throws {
        try reportingErrors {
            let url = URL(fileURLWithPath: recipe)
            let base = try RecipeLoader().load(contentsOf: url, overrides: overrides)
            let plan = try SweepPlan(grid: grid.map(SweepPlan.Axis.init(parsing:)), seeds: seeds, baseSeed: base.train.seed, sets: overrides)
            let folder = URL(fileURLWithPath: out ?? "runs/sweep-\(url.deletingPathExtension().lastPathComponent)")
            var sweep = Sweep(recipe: url, plan: plan, folder: folder)
            sweep.log = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            sweep.execute = { run, folder, resume in try Self.train(run, in: folder, resume: resume, recipe: url) }
            let done = try sweep.run()
            let comparison = try RunComparison(runs: sweep.runFolders)
            print(comparison.markdown())
            try AtomicFile.write(comparison.markdown(), to: folder.appendingPathComponent("compare.md"))
            try AtomicFile.write(try comparison.jsonData(), to: folder.appendingPathComponent("compare.json"))
            let counts = Dictionary(grouping: done, by: \.action).mapValues(\.count)
            print(
                "\(plan.runs.count) runs in \(folder.path): \(counts[.started] ?? 0) started, \(counts[.resumed] ?? 0) resumed, \(counts[.skipped] ?? 0) already done; table in compare.md / compare.json"
            )
        }
    }
}
