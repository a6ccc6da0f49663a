/// `data.mix`: batch mixing as timm's `Mixup` (Zhang et al. 2018; Yun et al. 2019). Each batch is
/// mixed with probability `prob`; when both alphas are > 0 it is cutmix with probability
/// `switch_prob`, else mixup. λ ~ Beta(α, α); the partner of sample i is sample i − 1 (the batch
/// rolled by one). The parameters reach objectives as `TrainingBatch.mix`.
public struct MixOptions: RecipeSection, Sendable, Equatable {
    /// Mixup α (0: no mixup).
    public var mixupAlpha: Double = 0.8
    /// CutMix α (0: no cutmix).
    public var cutmixAlpha: Double = 0
    /// The probability that a batch is mixed.
    public var prob: Double = 1
    /// With both alphas > 0, the probability of cutmix instead of mixup.
    public var switchProb: Double = 0.5

    /// The recipe keys, in the order resolved recipes list them.
    public static var fields: [RecipeField<Self>] {
        [
            .init("mixup_alpha", \.mixupAlpha, .nonNegative),
            .init("cutmix_alpha", \.cutmixAlpha, .nonNegative),
            .init("prob", \.prob, .probability),
            .init("switch_prob", \.switchProb, .probability),
        ]
    }

    /// Mixup with α = 0.8 on every batch.
    public init() {}

    /// At least one alpha is > 0.
    public func validate(_ c: KeyedDecodingContainer<RecipeKey<Self>>) throws {
        if mixupAlpha == 0 && cutmixAlpha == 0 { throw c.invalid(RecipeKey("mixup_alpha"), "mixup_alpha or cutmix_alpha must be > 0") }
    }
}
