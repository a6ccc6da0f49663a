import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support

/// Turning a recipe's typed options into engine components.
extension Recipe {
    /// The backbone as trained: objectives that need a classifier (supervised, KD students) keep it;
    /// the others train the trunk only (an online probe is a separate head of the objective).
    public var trainedModel: ModelOptions {
        var m = model
        if !objective.entry.needs.contains(.classifier) { m.classes = 0 }
        return m
    }
}

extension ModelOptions {
    /// The zoo options for this model.
    public var backboneOptions: BackboneOptions {
        var o = BackboneOptions(
            inputChannels: inChannels, classCount: classes > 0 ? classes : nil,
            stem: stem == .cifar ? .cifar : .imagenet, width: Float(width))
        o.lastStride = lastStride
        o.recomputesBlocks = recomputeActivations
        if let s = imageSize { o.imageSize = s }
        if let p = patchSize { o.patchSize = p }
        return o
    }

    /// Builds the backbone with fresh weights from `seed` (not applying `init`).
    public func makeBackbone(seed: UInt64) throws -> any Backbone {
        var rng = Philox(seed: seed, keys: [0x6d_6f64_656c])  // "model"
        return try Zoo.make(backbone, options: backboneOptions, rng: &rng)
    }

    /// Builds the backbone from `seed`, then loads `init` when set (strict but for its `ignore` prefixes).
    public func makeInitialBackbone(seed: UInt64) throws -> any Backbone {
        guard let initFrom else { return try makeBackbone(seed: seed) }
        return try makeBackbone(seed: seed, loading: initFrom.path, ignoring: initFrom.ignore, what: "initial checkpoint (model.init)")
    }

    /// Builds the backbone from `seed` and loads the checkpoint at `path` strictly (keys under
    /// `ignoring` keep their fresh values); a missing file is an error naming `what`.
    public func makeBackbone(seed: UInt64, loading path: String, ignoring: [String] = [], what: String) throws -> any Backbone {
        guard FileManager.default.fileExists(atPath: path) else { throw TrainError.missingFile(path: path, what: what) }
        var model = try makeBackbone(seed: seed)
        try model.load(from: URL(fileURLWithPath: path), ignoring: ignoring)
        return model
    }
}

extension OptimizerOptions {
    /// The optimizer at base learning rate `lr` (the schedule rescales it each step).
    public func makeOptimizer() -> any Optimizer {
        let groups = excludeBiasAndNorm && name != .lars && name != .lamb ? [ParameterGroup.normAndBiasWithoutDecay()] : []
        switch name {
        case .sgd:
            return SGD(
                learningRate: Float(lr), momentum: Float(momentum), nesterov: nesterov && momentum > 0,
                weightDecay: Float(weightDecay), groups: groups)
        case .adamw:
            return AdamW(
                learningRate: Float(lr), beta1: Float(betas.lower), beta2: Float(betas.upper), epsilon: Float(eps),
                weightDecay: Float(weightDecay), groups: groups)
        case .lars:
            return LARS(
                learningRate: Float(lr), momentum: Float(momentum), weightDecay: Float(weightDecay),
                trustCoefficient: Float(trustCoefficient), excludedRoles: excludeBiasAndNorm ? [.bias, .normScale, .normShift, .scale] : [])
        case .dot:
            return DOT(learningRate: Float(lr), momentum: Float(momentum), delta: Float(delta), weightDecay: Float(weightDecay), groups: groups)
        case .lamb:
            return LAMB(
                learningRate: Float(lr), beta1: Float(betas.lower), beta2: Float(betas.upper), epsilon: Float(eps),
                weightDecay: Float(weightDecay), excludedRoles: excludeBiasAndNorm ? [.bias, .normScale, .normShift, .scale] : [])
        }
    }
}

extension ScheduleOptions {
    /// The learning-rate schedule over `totalSteps` optimizer steps of `stepsPerEpoch` each.
    public func makeSchedule(base: Float, totalSteps: Int, stepsPerEpoch: Int) -> any Schedule {
        let warmup = min(self.warmupSteps(stepsPerEpoch: stepsPerEpoch), totalSteps)
        switch name {
        case .constant:
            return warmup > 0
                ? WarmupCosineSchedule(base: base, final: base, warmupSteps: warmup, totalSteps: totalSteps)
                : ConstantSchedule(base)
        case .cosine:
            return WarmupCosineSchedule(base: base, final: Float(minLR), warmupSteps: warmup, totalSteps: totalSteps)
        case .step:
            return StepSchedule(base: base, milestones: milestoneSteps(stepsPerEpoch: stepsPerEpoch), gamma: Float(gamma))
        }
    }
}

extension DataOptions {
    /// The loader's view specs; a view without `crop` keeps the stored size (`imageSize`), also with `pad_crop`.
    public func makeViewSpecs(imageSize: (height: Int, width: Int)) -> [DataStore.ViewSpec] {
        var specs: [DataStore.ViewSpec] = []
        for v in views {
            var s: DataStore.ViewSpec
            if let p = v.padCrop {
                s = DataStore.ViewSpec(crop: .padRandom(padding: p), outHeight: imageSize.height, outWidth: imageSize.width)
            } else if let c = v.crop {
                s = DataStore.ViewSpec(
                    crop: .randomResized(scale: c.scale.lower...c.scale.upper, ratio: c.ratio.lower...c.ratio.upper),
                    outHeight: c.size, outWidth: c.size)
            } else {
                s = DataStore.ViewSpec(crop: .center, outHeight: imageSize.height, outWidth: imageSize.width)
            }
            s.flipProbability = Float(v.flip)
            if let j = v.colorJitter {
                s.jitter = .init(
                    brightness: Float(j.brightness), contrast: Float(j.contrast), saturation: Float(j.saturation),
                    hue: Float(j.hue), probability: Float(j.probability))
            }
            s.grayscaleProbability = Float(v.grayscale)
            if let b = v.blur {
                s.blurProbability = Float(b.probability)
                s.blurSigma = Float(b.sigma.lower)...Float(b.sigma.upper)
            }
            s.solarizeProbability = Float(v.solarize)
            if let n = v.normalize ?? normalize {
                s.mean = n.mean.map { Float($0) }
                s.std = n.std.map { Float($0) }
            }
            specs.append(contentsOf: Array(repeating: s, count: v.count))
        }
        return specs
    }

    /// The loader configuration for training with `seed` over the stored `positions` (nil: all).
    public func makeLoaderConfig(
        imageSize: (height: Int, width: Int), channels: Int, seed: UInt64,
        positions: [Int]? = nil
    ) -> LoaderConfig {
        var c = LoaderConfig(batchSize: mainBatchSize, views: makeViewSpecs(imageSize: imageSize))
        c.positions = positions
        c.mix = mix.map {
            MixConfig(
                mixupAlpha: Float($0.mixupAlpha), cutmixAlpha: Float($0.cutmixAlpha),
                probability: Float($0.prob), switchProbability: Float($0.switchProb))
        }
        c.workers = workers
        c.seed = seed
        c.prefetchBatches = prefetch
        c.dropLast = dropLast
        c.channels = channels
        switch order {
        case .random: c.order = .random
        case .sequential: c.order = .sequential
        case .quasiRandom: c.order = .quasiRandom(windowChunks: 32)
        }
        return c
    }
}
