import Foundation

/// `retort train --ranks N ...` on one machine: the `mpirun` command line that starts N copies of
/// the same command (without `--ranks`), each rank running one share of every global batch.
///
/// Flags: `-np N`; `--oversubscribe` (more ranks than cores is allowed, slower); shared memory
/// between the ranks (`--mca btl self,vader`: no network probing on one machine);
/// `--allow-run-as-root` when running as root (containers, CI); `--bind-to core` with `pinned`
/// (one core per rank), else `--bind-to none` (the ranks' thread pools share the machine).
public struct MPILaunch: Sendable {
    /// The number of ranks.
    public var ranks: Int
    /// The program each rank runs (this executable).
    public var executable: String
    /// Its arguments (the original command line without `--ranks`).
    public var arguments: [String]
    /// Whether the launching process runs as root.
    public var asRoot: Bool
    /// Pin each rank to one core (`--bind-to core`).
    public var pinned: Bool = false

    /// A launch of `ranks` copies of `executable arguments`.
    public init(ranks: Int, executable: String, arguments: [String], asRoot: Bool) throws {
        guard ranks >= 1 else { throw ClusterError.launch("the number of ranks must be at least 1, got \(ranks)") }
        self.ranks = ranks
        self.executable = executable
        self.arguments = arguments
        self.asRoot = asRoot
    }

    /// `mpirun`'s arguments (after the program name).
    public var mpirunArguments: [String] {
        var a = ["-np", String(ranks), "--oversubscribe", "--mca", "btl", "self,vader", "--bind-to", pinned ? "core" : "none"]
        if asRoot { a.append("--allow-run-as-root") }
        return a + [executable] + arguments
    }

    /// Runs `mpirun` (found on `searchPath`, the caller's PATH) and returns its exit status; throws
    /// when `mpirun` is not installed.
    public func run(searchPath: String) throws -> Int32 {
        let candidates = searchPath.split(separator: ":").map { "\($0)/mpirun" }
        guard let mpirun = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ClusterError.launch("mpirun was not found on PATH; install Open MPI (Debian: openmpi-bin, or `make deps`)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = mpirunArguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The arguments of `commandLine` (program name excluded) without `--ranks N` / `--ranks=N`.
    public static func removingRanks(from commandLine: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < commandLine.count {
            let a = commandLine[i]
            if a == "--ranks" {
                i += 2
                continue
            }
            if !a.hasPrefix("--ranks=") { out.append(a) }
            i += 1
        }
        return out
    }
}
