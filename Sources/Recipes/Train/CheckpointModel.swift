import Backbones
import Foundation
import NN
import Support

/// A backbone rebuilt from a checkpoint file: from the recipe stored in its metadata (checkpoints
/// written by `retort train`), or from explicit model options (a torchvision/timm export).
public struct CheckpointModel {
    /// The loaded backbone, in inference mode when used through `FeatureExtractor`.
    public var backbone: any Backbone
    /// The model options it was built from.
    public var options: ModelOptions
    /// The recipe the checkpoint was trained with, when it carries one.
    public var recipe: Recipe?

    /// Loads `url` strictly into the backbone the checkpoint's recipe (or `model`, which wins) describes.
    public static func load(_ url: URL, model: ModelOptions? = nil) throws -> CheckpointModel {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainError.missingFile(path: url.path, what: "checkpoint")
        }
        let file = try SafeTensors.read(from: url)
        var recipe: Recipe? = nil
        if let yaml = file.metadata["recipe"] {
            recipe = try RecipeLoader().load(yaml: yaml, file: url.path + " (embedded recipe)")
        }
        guard let options = model ?? recipe?.trainedModel else {
            throw TrainError.incompatibleData(
                "\(url.path) carries no recipe; name the architecture with --model (and --classes, --in-channels, --stem, --width)")
        }
        var rng = Philox(seed: 0)
        var backbone = try Zoo.make(options.backbone, options: options.backboneOptions, rng: &rng)
        try backbone.load(file, file: url.path)
        return CheckpointModel(backbone: backbone, options: options, recipe: recipe)
    }

    /// The normalisation recorded in the checkpoint's recipe, if any.
    public var normalization: (mean: [Float], std: [Float])? {
        recipe?.declaredNormalization
    }
}
