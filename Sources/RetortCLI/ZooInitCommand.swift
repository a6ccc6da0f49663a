import ArgumentParser
import Backbones
import Foundation
import Kernels
import NN
import Recipes

/// `retort zoo init NAME --out FILE`: a randomly initialised backbone checkpoint (the baseline every
/// SSL result is compared with), in torchvision/timm names.
struct ZooInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a randomly initialised backbone checkpoint.")

    @Argument(help: "The backbone name (see `retort zoo list`).")
    var name: String
    @Option(help: "Classifier outputs (0: none).")
    var classes: Int = 0
    @Option(name: .customLong("in-channels"), help: "Input channels (1 or 3).")
    var inChannels: Int = 3
    @Option(help: "ResNet stem: imagenet or cifar.")
    var stem: String = "imagenet"
    @Option(help: "ResNet width multiplier.")
    var width: Double = 1
    @Option(help: "The seed of the initialisation.")
    var seed: UInt64 = 0
    @Option(help: "The safetensors file to write.")
    var out: String

    func run() throws {
        try reportingErrors {
            guard let s = ModelOptions.Stem(rawValue: stem) else { throw ValidationError("--stem must be imagenet or cifar, got \(stem)") }
            var options = ModelOptions(backbone: name, stem: s, width: width, inChannels: inChannels, classes: classes)
            options.classes = classes
            let model = try options.makeBackbone(seed: seed)
            try model.save(to: URL(fileURLWithPath: out), metadata: ["init_seed": String(seed)])
            print("wrote \(out): \(name), \(model.parameterCount) parameters, \(model.featureCount) features")
        }
    }
}
