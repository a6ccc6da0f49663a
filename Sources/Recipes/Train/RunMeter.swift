import Foundation

/// Step accounting of a run: the progress line, the metrics record every `train.log_every` steps
/// (losses per term, learning rates, throughput and data wait over the window), totals for the
/// summary, and the test hook that stops a run as if killed.
struct RunMeter {
    let progress: ProgressReporter
    private let logEvery: Int
    private let totalSteps: Int
    private let stopAfterSteps: Int?
    private let started = Date()
    /// Training seconds of the run's earlier processes (a resumed run), added to this process's.
    private let earlierSeconds: Double
    private(set) var stepsThisProcess = 0
    private var images = 0, computeSeconds = 0.0, waitSeconds = 0.0
    private var windowWait = 0.0, windowTime = 0.0, windowImages = 0

    init(trainer: Trainer, objective: String, totalSteps: Int, startStep: Int, earlierSeconds: Double = 0) {
        self.earlierSeconds = earlierSeconds
        // Ranks other than 0 of a data-parallel run draw no progress line.
        progress = ProgressReporter(
            label: objective, total: totalSteps, startStep: startStep, interactive: trainer.interactive,
            output: trainer.communicator.isWriter ? nil : { _ in })
        logEvery = max(trainer.recipe.train.logEvery, 1)
        self.totalSteps = totalSteps
        stopAfterSteps = trainer.stopAfterSteps
    }

    /// Seconds of training so far, the run's earlier processes included.
    var elapsedSeconds: Double { earlierSeconds + Date().timeIntervalSince(started) }

    /// Whether the test hook's step budget for this process is spent.
    var stopRequested: Bool { stopAfterSteps.map { stepsThisProcess >= $0 } ?? false }

    /// Accounts step `step` (1-based count of steps done) and returns the metrics record when one is due.
    mutating func stepDone(
        _ step: Int, images n: Int, wait: Double, compute: Double, result: TrainStep.Result,
        learningRates: [Float], stepsPerEpoch: Int
    ) -> MetricsRecord? {
        stepsThisProcess += 1
        images += n
        computeSeconds += compute
        waitSeconds += wait
        windowWait += wait
        windowTime += compute + wait
        windowImages += n
        progress.update(step: step, items: images, loss: Double(result.loss))
        guard step % logEvery == 0 || step == totalSteps else { return nil }
        var losses: [String: Double] = [:]
        for t in result.output.terms { losses[t.name] = Double(t.value.scalar) }
        var metrics = result.output.metrics.mapValues { Double($0) }
        for (i, lr) in learningRates.enumerated().dropFirst() { metrics["lr_group\(i - 1)"] = Double(lr) }
        let record = MetricsRecord(
            step: step, epoch: Double(step) / Double(stepsPerEpoch), loss: Double(result.loss), losses: losses,
            lr: Double(learningRates[0]), imagesPerSecond: Double(windowImages) / max(windowTime, 1e-9),
            dataWaitSeconds: windowWait, metrics: metrics, elapsedSeconds: elapsedSeconds)
        windowWait = 0
        windowTime = 0
        windowImages = 0
        return record
    }

    /// Throughput, data-wait share, seconds per epoch and peak memory of this process into `summary`.
    func finish(into summary: inout RunSummary, stepsPerEpoch: Int) {
        summary.imagesPerSecond = Double(images) / max(computeSeconds + waitSeconds, 1e-9)
        if stepsThisProcess > 0 {
            summary.secondsPerEpoch = (computeSeconds + waitSeconds) / Double(stepsThisProcess) * Double(stepsPerEpoch)
        }
        summary.peakResidentBytes = ResourceUsage.peakResidentBytes()
        summary.metrics["data_wait_fraction"] = waitSeconds / max(computeSeconds + waitSeconds, 1e-9)
    }
}
