/// Every objective a recipe can name: one row each, as `Zoo` is for backbones. Adding a method is
/// one method file (Sources/Objectives), one pure-loss file (Sources/Objectives/Losses), one
/// options struct (Sources/Recipes/Schema) and one row here.
public enum ObjectiveRegistry {
    /// The rows, in listing order.
    public static let all: [ObjectiveEntry] = [
        ObjectiveEntry(
            name: "supervised", options: SupervisedOptions.self, needs: [.labels, .classifier],
            summary: "cross-entropy on labels (label smoothing, mixup/cutmix targets)",
            paper: "Szegedy et al. 2016 (label smoothing)", recipe: "Recipes/supervised/resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "byol", options: BYOLOptions.self, needs: [.multipleViews],
            summary: "bootstrap your own latent: predictor regresses an EMA target's projection",
            paper: "Grill et al. 2020", recipe: "Recipes/ssl/byol-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "kd", options: KDOptions.self, needs: [.classifier, .teacher],
            summary: "Hinton distillation: T^2 KL to a frozen teacher's softened outputs, plus optional CE",
            paper: "Hinton et al. 2015", recipe: "Recipes/kd/kd-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "dkd", options: DKDOptions.self, needs: [.labels, .classifier, .teacher],
            summary: "decoupled KD: target-class and non-target-class KL terms weighted apart (alpha, beta), warm-up",
            paper: "Zhao et al. 2022", recipe: "Recipes/kd/dkd-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "meal_v2", options: MEALV2Options.self, needs: [.classifier, .teacher],
            summary: "ensemble KD without labels: soft CE to the teachers' mean softmax plus a logit discriminator, one backward",
            paper: "Shen & Xing 2021", recipe: "Recipes/kd/meal-v2-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "function_matching", options: FunctionMatchingOptions.self, needs: [.classifier, .teacher],
            summary: "patient and consistent KD: KL at T = 1 with the teacher on a fixed, independent, the same, or the same mixed view",
            paper: "Beyer et al. 2022", recipe: "Recipes/kd/function-matching-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "ssld", options: SSLDOptions.self, needs: [.classifier, .teacher],
            summary: "label-free KD: symmetric KL to the teacher's softmax (PaddleClas DMLLoss), unlabelled data welcome",
            paper: "Cui et al. 2021 (PaddleClas SSLD)", recipe: "Recipes/kd/ssld-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "simclr", options: SimCLROptions.self, needs: [.multipleViews],
            summary: "contrastive: NT-Xent over the 2N projections of two views",
            paper: "Chen et al. 2020", recipe: "Recipes/ssl/simclr-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "simsiam", options: SimSiamOptions.self, needs: [.multipleViews],
            summary: "negative cosine of a predictor against stop-gradient projections of the other view",
            paper: "Chen & He 2021", recipe: "Recipes/ssl/simsiam-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "swav", options: SwAVOptions.self, needs: [.multipleViews],
            summary: "swapped assignments: predict each view's Sinkhorn codes over prototypes from the other (multi-crop) views",
            paper: "Caron et al. 2020", recipe: "Recipes/ssl/swav-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "sela", options: SeLaOptions.self, needs: [],
            summary: "self-labelling: cross-entropy against dataset-wide Sinkhorn-Knopp pseudo-labels recomputed at quadratically spaced steps",
            paper: "Asano et al. 2020", recipe: "Recipes/ssl/sela-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "clip", options: CLIPOptions.self, needs: [.text],
            summary: "image-text contrastive: symmetric InfoNCE between image and caption embeddings with a learnable scale",
            paper: "Radford et al. 2021", recipe: "Recipes/clip/clip-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "declip", options: DeCLIPOptions.self, needs: [.text, .multipleViews],
            summary: "CLIP + image SimSiam + caption MLM + 2x2-view InfoNCE + nearest-neighbour caption supervision",
            paper: "Li et al. 2022", recipe: "Recipes/clip/declip-resnet18-fmnist.yaml"),
        ObjectiveEntry(
            name: "pixpro", options: PixProOptions.self, needs: [.multipleViews],
            summary:
                "pixel propagation: propagated pixel features regress a momentum branch's features of the same source location in the other view",
            paper: "Xie et al. 2021", recipe: "Recipes/ssl/pixpro-resnet18-mosaic.yaml"),
    ]

    /// The row named `name`, or nil.
    public static func entry(named name: String) -> ObjectiveEntry? { all.first { $0.name == name } }

    /// The row whose options type is `type`.
    static func entry(for type: any ObjectiveConfiguration.Type) -> ObjectiveEntry? {
        all.first { $0.options == type }
    }

    /// Every name, in listing order.
    public static var names: [String] { all.map(\.name) }
}
