import ArgumentParser
import Backbones
import NN
import Support

/// `retort zoo list`: the backbones, text encoders and heads in the registry.
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Inspect the backbone zoo.",
        subcommands: [List.self, ZooInit.self]
    )

    /// `retort zoo list [--counts]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List backbones, text encoders and heads.")

        @Flag(help: "Build each backbone (1000 classes, 224 px) and print its parameter count.")
        var counts = false

        func run() throws {
            print("backbones:")
            for e in Zoo.backbones {
                var line = "  \(e.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(e.summary)"
                if counts {
                    var rng = Philox(seed: 0)
                    let m = try e.make(BackboneOptions(classCount: 1000), &rng)
                    line += " (\(m.parameterCount) parameters with a 1000-class head)"
                }
                print(line)
            }
            print("text encoders:")
            for e in Zoo.textEncoders { print("  \(e.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(e.summary)") }
            print("heads:")
            for e in Zoo.heads { print("  \(e.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(e.summary)") }
            print(
                "options: inputChannels 1|3, classCount, stem imagenet|cifar, width, zeroInitResidual, imageSize, patchSize, pooling classToken|mean")
        }
    }
}
