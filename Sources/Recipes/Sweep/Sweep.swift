import Foundation

/// Runs a `SweepPlan` one run after the other in `folder/<run name>/`, resumably: a run whose
/// `summary.json` says `completed` is skipped, one with `resolved.yaml` but no completed summary (a
/// killed run) is resumed from its last checkpoint (bit-exactly, as `retort train --resume`), the
/// others start fresh. Restarting a killed sweep therefore trains only what is left.
public struct Sweep {
    /// What the sweep did with a run.
    public enum Action: String, Sendable, Equatable {
        /// Already completed: skipped.
        case skipped
        /// Half-done: resumed.
        case resumed
        /// Started from scratch.
        case started
    }

    /// The recipe file.
    public var recipe: URL
    /// The runs.
    public var plan: SweepPlan
    /// The folder holding one run folder per run.
    public var folder: URL
    /// Adjusts each trainer before it runs (logging; a test's stop hook).
    public var configure: (inout Trainer) -> Void = { _ in }
    /// Progress lines.
    public var log: (String) -> Void = { _ in }
    /// Trains one run in another process instead of this one: given the run, its folder and
    /// whether to resume, it must leave the run's `summary.json` (the `retort sweep` command runs
    /// `retort train` as a child, so each run's peak memory is its own). nil: in this process.
    public var execute: ((_ run: SweepPlan.Run, _ folder: URL, _ resume: Bool) throws -> Void)?

    /// A sweep of `plan` over `recipe` into `folder`.
    public init(recipe: URL, plan: SweepPlan, folder: URL) {
        self.recipe = recipe
        self.plan = plan
        self.folder = folder
    }

    /// The run folders of the plan, in order.
    public var runFolders: [URL] { plan.runs.map { folder.appendingPathComponent($0.name, isDirectory: true) } }

    /// Trains every run that is not completed; stops (returning what was done so far) when a run
    /// ends without completing (the trainer's stop hook). Recipes are all loaded (and checked)
    /// before the first run starts.
    @discardableResult
    public func run() throws -> [(name: String, action: Action, summary: RunSummary)] {
        let recipes = try plan.runs.map { try RecipeLoader().load(contentsOf: recipe, overrides: $0.overrides) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var done: [(String, Action, RunSummary)] = []
        for (i, (entry, recipe)) in zip(plan.runs, recipes).enumerated() {
            let url = runFolders[i]
            let summaryURL = url.appendingPathComponent("summary.json")
            if let s = try? RunSummary.read(from: summaryURL), s.status == .completed {
                log("[\(i + 1)/\(plan.runs.count)] \(entry.name): completed, skipped")
                done.append((entry.name, .skipped, s))
                continue
            }
            let resume =
                FileManager.default.fileExists(atPath: url.appendingPathComponent("resolved.yaml").path)
                && FileManager.default.fileExists(atPath: url.appendingPathComponent("checkpoints/last.json").path)
            if !resume, FileManager.default.fileExists(atPath: url.path) {
                // Killed before its first checkpoint: nothing to keep, start over in a clean folder.
                try FileManager.default.removeItem(at: url)
            }
            log("[\(i + 1)/\(plan.runs.count)] \(entry.name): \(resume ? "resuming" : "starting")")
            let summary: RunSummary
            if let execute {
                try execute(entry, url, resume)
                do { summary = try RunSummary.read(from: summaryURL) } catch {
                    throw SweepError("\(url.path): the run left no readable summary.json (\(error))")
                }
            } else {
                let run = resume ? try RunDirectory.open(existing: url) : try RunDirectory.create(at: url)
                var trainer = Trainer(recipe: resume ? try run.loadResolvedRecipe() : recipe, run: run)
                configure(&trainer)
                summary = try trainer.train(resume: resume)
            }
            done.append((entry.name, resume ? .resumed : .started, summary))
            if summary.status != .completed { break }
        }
        return done
    }
}
