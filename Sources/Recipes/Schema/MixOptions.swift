/// `data.mix`: batch mixing as timm's `Mixup` (Zhang et al. 2018; Yun et al. 2019). Each batch is
/// mixed with probability `prob`; when both alphas are > 0 it is cutmix with probability
/// `switch_prob`, else mixup. λ ~ Beta(α, α); the partner of sample i is sample i − 1 (the batch
/// rolled by one). The parameters reach objectives as `TrainingBatch.mix`.
public struct MixOptions: Codable, Sendable, Equatable {
    /// Mixup α (0: no mixup).
    public var mixupAlpha: Double = 0.8
    /// CutMix α (0: no cutmix).
    public var cutmixAlpha: Double = 0
    /// The probability that a batch is mixed.
    public var prob: Double = 1
    /// With both alphas > 0, the probability of cutmix instead of mixup.
    public var switchProb: Double = 0.5

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mixupAlpha = "mixup_alpha"
        case cutmixAlpha = "cutmix_alpha"
        case prob
        case switchProb = "switch_prob"
    }

    /// Mixup with α = 0.8 on every batch.
    public init() {}

    /// Decodes with defaults and checks (at least one α > 0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.load(&mixupAlpha, .mixupAlpha, .nonNegative)
        try c.load(&cutmixAlpha, .cutmixAlpha, .nonNegative)
        try c.load(&prob, .prob, .probability)
        try c.load(&switchProb, .switchProb, .probability)
        if mixupAlpha == 0 && cutmixAlpha == 0 { throw c.invalid(.mixupAlpha, "mixup_alpha or cutmix_alpha must be > 0") }
    }
}
