/// The `model` section: which backbone of the zoo and its options (also used for a KD teacher).
public struct ModelOptions: RecipeSection, Sendable, Equatable {
    /// Stem of ResNet-style backbones.
    public enum Stem: String, RecipeName {
        /// 7x7 stride-2 conv + max-pool (ImageNet-sized inputs).
        case imagenet
        /// 3x3 stride-1 conv, no max-pool (CIFAR/Fashion-MNIST-sized inputs).
        case cifar
        /// For messages.
        public static let kindName = "stem"
    }

    /// Zoo name, timm-style (`resnet18`, `vit_tiny`); required.
    public var backbone = ""
    /// Stem variant.
    public var stem: Stem = .imagenet
    /// Channel width multiplier.
    public var width: Double = 1
    /// Input image channels (1 for Fashion-MNIST, 3 for RGB).
    public var inChannels: Int = 3
    /// Classes of the classifier head (supervised, KD, probes).
    public var classes: Int = 10
    /// Input side for backbones that need it (ViT); nil for convolutional ones.
    public var imageSize: Int?
    /// Patch side for ViTs.
    public var patchSize: Int?
    /// Zero-initialise the last norm scale of each residual block (Goyal et al. 2017).
    public var zeroInitResidual: Bool = false
    /// Stride of a ResNet's last stage: 2 (torchvision) or 1, which keeps the C5 map at the
    /// resolution of C4 (14 × 14 for a 56 px input with the CIFAR stem) for dense objectives.
    public var lastStride: Int = 2
    /// Activation checkpointing (ResNets): each residual block keeps only its input for the backward
    /// pass and is recomputed there: about a quarter of the backbone's activation memory for one
    /// more forward pass of the blocks. Values and gradients are unchanged.
    public var recomputeActivations = false
    /// Start from a checkpoint instead of random weights (fine-tuning, MEAL V2 students).
    public var initFrom: ModelInit?

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .required("backbone", \.backbone, .nonEmpty),
            .init("stem", \.stem),
            .init("width", \.width, .positive),
            .init("in_channels", \.inChannels, .atLeast(1)),
            .init("classes", \.classes, .atLeast(2)),
            .optional("image_size", \.imageSize, .atLeast(1)),
            .optional("patch_size", \.patchSize, .atLeast(1)),
            .init("zero_init_residual", \.zeroInitResidual),
            .init("last_stride", \.lastStride, ValueCheck { $0 == 1 || $0 == 2 ? nil : "must be 1 or 2, got \($0)" }),
            .init("recompute_activations", \.recomputeActivations),
            .optional("init", \.initFrom),
        ]
    }

    /// No backbone yet (a recipe must name one).
    public init() {}

    /// Creates model options with defaults.
    public init(backbone: String, stem: Stem = .imagenet, width: Double = 1, inChannels: Int = 3, classes: Int = 10) {
        self.backbone = backbone
        self.stem = stem
        self.width = width
        self.inChannels = inChannels
        self.classes = classes
    }
}
