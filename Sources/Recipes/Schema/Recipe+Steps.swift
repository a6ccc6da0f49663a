/// Converting the recipe's epoch-based settings to optimizer steps, given the steps in one epoch.
extension TrainOptions {
    /// Steps of the whole run: `epochs * stepsPerEpoch`, capped by `max_steps`.
    public func totalSteps(stepsPerEpoch: Int) -> Int {
        let full = epochs * Swift.max(stepsPerEpoch, 1)
        return maxSteps.map { Swift.min($0, full) } ?? full
    }
}

extension ScheduleOptions {
    /// Warmup length in steps (`warmup_steps`, or `warmup_epochs * stepsPerEpoch` rounded; 0 when neither).
    public func warmupSteps(stepsPerEpoch: Int) -> Int {
        if let warmupSteps { return warmupSteps }
        if let warmupEpochs { return Int((warmupEpochs * Double(stepsPerEpoch)).rounded()) }
        return 0
    }

    /// The step schedule's milestones in steps (`milestones` are epochs).
    public func milestoneSteps(stepsPerEpoch: Int) -> [Int] { milestones.map { $0 * stepsPerEpoch } }
}

extension DataOptions {
    /// Optimizer steps in one epoch of `sampleCount` training samples (per rank), honouring `drop_last`.
    public func stepsPerEpoch(sampleCount: Int) -> Int {
        dropLast ? sampleCount / batchSize : (sampleCount + batchSize - 1) / batchSize
    }
}
