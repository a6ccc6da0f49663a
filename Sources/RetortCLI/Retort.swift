import ArgumentParser
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
            ProbeCommand.self,
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
    static func main() {
        MemoryPolicy.retainFreedBlocks()
        BLAS.limitIdleSpinning()
        main(nil)
    }
}
