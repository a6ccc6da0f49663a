import ArgumentParser
import Foundation
import Kernels

/// The `retort` command: train, evaluate and manage data for SSL and KD research.
@main
struct Retort: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retort",
        abstract: "Self-supervised learning and knowledge distillation for vision models.",
        subcommands: [
            // Each subcommand lives in its own file (StoreCommand.swift, TrainCommand.swift, ...).
            TrainCommand.self,
            CacheLogitsCommand.self,
            SweepCommand.self,
            CompareCommand.self,
            ProbeCommand.self,
            EvaluateCommand.self,
            ZeroShotCommand.self,
            EmbedCommand.self,
            LossCommand.self,
            ZooCommand.self,
            RecipesCommand.self,
            ObjectivesCommand.self,
            PlotCommand.self,
            StoreCommand.self,
        ]
    )

    /// Applies the process-wide memory and BLAS thread policies, then parses and runs the command.
    ///
    /// A command line that does not parse (unknown option, missing value, bad argument) exits 2 with
    /// the parser's message, as Python's argparse does and as `retort loss` promises for every bad
    /// request (ArgumentParser's own default is 64); `--help` still exits 0 and errors thrown by a
    /// command keep their code.
    static func main() {
        MemoryPolicy.retainFreedBlocks()
        BLAS.limitIdleSpinning()
        var command: ParsableCommand
        do {
            command = try parseAsRoot(nil)
        } catch {
            exitOnParseError(error)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Exits for an error raised while parsing: usage errors with code 2, help and version requests
    /// as ArgumentParser does.
    private static func exitOnParseError(_ error: Error) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        let message = fullMessage(for: error)
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        exit(withError: ExitCode(2))
    }
}
