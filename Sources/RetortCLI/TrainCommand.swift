import ArgumentParser
import Cluster
import Foundation
import Kernels
import Recipes
import Support

/// `retort train RECIPE [--set a.b=c]... [--run-dir DIR]` and `retort train --resume RUN_DIR`; with
/// `--ranks N` (or under `mpirun -np N` / `srun --mpi=pmix`) a data-parallel run over N ranks.
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
    @Option(help: "Data-parallel ranks on this machine: starts `mpirun -np N` with this command (each rank takes 1/N of every batch).")
    var ranks: Int?
    @Flag(name: .customLong("pin-ranks"), help: "With --ranks: pin each rank to one core (mpirun --bind-to core, one thread per rank).")
    var pinRanks = false
    @Option(name: .customLong("exit-with-parent"), help: .hidden)
    var exitWithParent: Int32?
    /// Test hook: stop as if killed after this many steps of this process (`Trainer.stopAfterSteps`).
    @Option(name: .customLong("stop-after-steps"), help: .hidden)
    var stopAfterSteps: Int?
    /// Test hook: this rank raises an error before its first step, while the others wait for it.
    @Option(name: .customLong("fail-on-rank"), help: .hidden)
    var failOnRank: Int?

    func run() throws {
        if let exitWithParent { exitWhenOrphaned(parent: exitWithParent) }
        let environment = ProcessInfo.processInfo.environment
        let launchedByMPI = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"].contains { environment[$0] != nil }
        if let ranks, !launchedByMPI {
            try reportingErrors {
                var launch = try MPILaunch(
                    ranks: ranks, executable: CommandLine.arguments[0],
                    arguments: MPILaunch.removingRanks(from: Array(CommandLine.arguments.dropFirst())), asRoot: getuid() == 0)
                launch.pinned = pinRanks
                let status = try launch.run(searchPath: environment["PATH"] ?? "/usr/bin:/bin")
                if status != 0 { throw ExitCode(status) }
            }
            return
        }
        guard launchedByMPI else { return try reportingErrors { try train(group: SingleProcess(), threads: nil) } }
        let mpi = try MPICommunicator.start()
        // Each rank's share of the cores (unless the recipe sets train.threads; see `train(group:threads:)`).
        let localRanks = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
        let threads = pinRanks ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount / max(localRanks, 1))
        do {
            try train(group: mpi, threads: threads)
        } catch {
            // One rank's error ends the whole job (MPI_Abort), named, instead of leaving the others waiting.
            FileHandle.standardError.write(Data("error: rank \(mpi.rank) of \(mpi.size): \(error)\n".utf8))
            mpi.abort(code: 1)
        }
        mpi.finish()
    }

    /// Trains (or resumes) on the ranks of `group`; rank 0 creates the run folder and prints the summary.
    private func train(group: any Communicator, threads: Int?) throws {
        let run: RunDirectory
        let loaded: Recipe
        if let resume {
            run = try RunDirectory.open(existing: URL(fileURLWithPath: resume))
            loaded = try RecipeLoader().load(contentsOf: run.resolvedRecipe, overrides: overrides)
        } else {
            guard let recipePath = recipe else { throw ValidationError("give a recipe file, or --resume RUN_DIR") }
            let url = URL(fileURLWithPath: recipePath)
            loaded = try RecipeLoader().load(contentsOf: url, overrides: overrides)
            let folder = URL(fileURLWithPath: runDir ?? "runs/\(url.deletingPathExtension().lastPathComponent)")
            // Rank 0 creates the folder (refusing one that holds a run); the others open it after.
            if group.isWriter {
                run = try RunDirectory.create(at: folder)
                group.barrier()
            } else {
                group.barrier()
                run = try RunDirectory.create(at: folder, allowExisting: true)
            }
        }
        var trainer = Trainer(recipe: loaded, run: run)
        trainer.communicator = group
        applyProcessSettings(loaded.train, threads: loaded.train.threads ?? threads)
        trainer.stopAfterSteps = stopAfterSteps
        if failOnRank == group.rank { throw ValidationError("test hook: rank \(group.rank) fails before its first step (--fail-on-rank)") }
        let summary = try trainer.train(resume: resume != nil)
        if group.isWriter { print(summaryLine(summary, run, ranks: group.size)) }
    }

    private func summaryLine(_ s: RunSummary, _ run: RunDirectory, ranks: Int) -> String {
        var line = "\(s.objective) \(s.backbone): \(s.steps) steps in \(ProgressReporter.formatDuration(s.wallSeconds))"
        if let r = s.imagesPerSecond { line += String(format: ", %.0f img/s (OpenBLAS %@)", r, BLAS.coreName) }
        if ranks > 1 { line += ", \(ranks) ranks" }
        for (k, v) in s.metrics.sorted(by: { $0.key < $1.key }) { line += String(format: ", %@ %.4f", k, v) }
        return line + "\ncheckpoint: \(run.checkpoint(named: "last").path)"
    }
}
