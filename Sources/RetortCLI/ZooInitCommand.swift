import ArgumentParser
import Backbones
import Foundation
import NN
import Recipes

/// `retort zoo init NAME --out FILE`: a randomly initialised backbone checkpoint (the baseline every
/// SSL result is compared with), in torchvision/timm names.
struct ZooInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a randomly initialised backbone checkpoint.")

    @Argument(help: "The backbone name (see `retort zoo list`).")
    var name: String
    @OptionGroup var architecture: ArchitectureArguments
    @Option(help: "The seed of the initialisation.")
    var seed: UInt64 = 0
    @Option(help: "The safetensors file to write.")
    var out: String

    func run() throws {
        try reportingErrors {
            let model = try architecture.modelOptions(backbone: name).makeBackbone(seed: seed)
            try model.save(to: URL(fileURLWithPath: out), metadata: ["init_seed": String(seed)])
            print("wrote \(out): \(name), \(model.parameterCount) parameters, \(model.featureCount) features")
        }
    }
}
