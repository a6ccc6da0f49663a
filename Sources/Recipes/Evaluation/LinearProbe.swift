import Foundation
import Support
import TensorCore

/// Settings of the linear probe.
public struct LinearProbeOptions: Sendable, Equatable {
    /// Weight decays tried; the best on the held-out split is used for the final fit.
    public var weightDecays: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
    /// Fraction of the train split held out to choose the weight decay.
    public var validationFraction: Double = 0.1
    /// L-BFGS iteration budget per fit.
    public var maxIterations: Int = 200
    /// Seed of the train/validation split.
    public var seed: UInt64 = 0

    /// Defaults (five decades of weight decay, 10% held out, 200 L-BFGS iterations).
    public init(
        weightDecays: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2], validationFraction: Double = 0.1,
        maxIterations: Int = 200, seed: UInt64 = 0
    ) {
        self.weightDecays = weightDecays
        self.validationFraction = validationFraction
        self.maxIterations = maxIterations
        self.seed = seed
    }
}

/// A fitted multinomial logistic regression on standardised features: `logits = std(x) W + b`.
public struct LinearClassifier: Sendable {
    /// Standardisation fitted on the training features.
    public var standardizer: FeatureStandardizer
    /// Weights `[D, C]`.
    public var weight: Tensor
    /// Bias `[C]`.
    public var bias: Tensor
    /// L-BFGS iterations the fit took.
    public var iterations: Int

    /// Class scores `[M, C]` for raw features `[M, D]`.
    public func logits(_ features: Tensor) -> Tensor {
        Tensor.matmul(standardizer.apply(features), weight) + bias
    }

    /// (top-1, top-5) accuracy on `features` `[M, D]` with `labels` `[M]` (top-5 is top-min(5, C)).
    public func accuracy(_ features: Tensor, _ labels: IntTensor) -> (top1: Double, top5: Double) {
        topKAccuracy(scores: logits(features), labels: labels, k: 5)
    }
}

/// Linear evaluation of frozen features (design.md section 8): multinomial logistic regression trained
/// full-batch with L-BFGS on features standardised per dimension (mean/std of the fitting split), loss
/// `mean CE + wd/2 ||W||^2` (bias not decayed). The weight decay is chosen on a held-out part of the train
/// split, then the model is refitted on the whole train split and scored on test. Deterministic.
public enum LinearProbe {
    /// Fits one classifier on `features` `[N, D]` / `labels` `[N]` with weight decay `weightDecay`.
    public static func fit(
        features: Tensor, labels: IntTensor, classCount: Int, weightDecay: Double,
        maxIterations: Int = 200
    ) throws -> LinearClassifier {
        try validate(features: features, labels: labels, classCount: classCount, split: "train")
        let standardizer = FeatureStandardizer(fitting: features)
        let x = standardizer.apply(features)
        let d = features.shape[1]
        let c = classCount
        let objective: ([Double]) -> (Double, [Double]) = { theta in
            let w = Tensor(shape: [d, c], scalars: theta[0..<(d * c)].map { Float($0) })
            let b = Tensor(shape: [c], scalars: theta[(d * c)...].map { Float($0) })
            let (loss, gw, gb) = lossAndGradient(features: x, labels: labels, weight: w, bias: b, weightDecay: weightDecay)
            return (loss, gw.scalars.map(Double.init) + gb.scalars.map(Double.init))
        }
        var solver = LBFGS()
        solver.maxIterations = maxIterations
        let result = solver.minimize(from: [Double](repeating: 0, count: d * c + c), objective)
        return LinearClassifier(
            standardizer: standardizer,
            weight: Tensor(shape: [d, c], scalars: result.x[0..<(d * c)].map { Float($0) }),
            bias: Tensor(shape: [c], scalars: result.x[(d * c)...].map { Float($0) }),
            iterations: result.iterations)
    }

    /// The probe's objective `mean_i CE(x_i W + b, y_i) + wd/2 ||W||^2` on features `[N, D]` and its gradients
    /// `dW = X^T (softmax(XW + b) - onehot(y)) / N + wd W` `[D, C]`, `db = sum_i (softmax - onehot) / N` `[C]`
    /// (closed form: no backward pass through X).
    public static func lossAndGradient(
        features x: Tensor, labels: IntTensor, weight: Tensor, bias: Tensor,
        weightDecay: Double
    ) -> (loss: Double, weight: Tensor, bias: Tensor) {
        let n = x.shape[0]
        let c = weight.shape[1]
        let logits = Tensor.matmul(x.detached, weight.detached) + bias.detached
        let logp = logits.logSoftmax(alongAxis: 1)
        let lp = logp.scalars
        let y = labels.scalars
        var r = lp.map { Foundation.exp($0) }
        var nll = 0.0
        for i in 0..<n {
            nll -= Double(lp[i * c + Int(y[i])])
            r[i * c + Int(y[i])] -= 1
        }
        let residual = Tensor(shape: [n, c], scalars: r.map { $0 / Float(n) })
        let squaredNorm = weight.sumOfSquares()
        let loss = nll / Double(n) + weightDecay / 2 * squaredNorm
        let gw = Tensor.matmul(x.detached, residual, transposeA: true) + weight.detached * Float(weightDecay)
        let gb = residual.sum(alongAxis: 0)
        return (loss, gw, gb)
    }

    /// The full protocol: sweep weight decays on a held-out split, refit on all of train, score test.
    public static func evaluate(
        trainFeatures: Tensor, trainLabels: IntTensor, testFeatures: Tensor, testLabels: IntTensor,
        classCount: Int, options: LinearProbeOptions = LinearProbeOptions()
    ) throws -> LinearProbeResult {
        try validate(features: trainFeatures, labels: trainLabels, classCount: classCount, split: "train")
        try validate(features: testFeatures, labels: testLabels, classCount: classCount, split: "test")
        guard testFeatures.shape[1] == trainFeatures.shape[1] else {
            throw EvaluationError("test features \(testFeatures.shape) and train features \(trainFeatures.shape) differ in dimension")
        }
        guard !options.weightDecays.isEmpty, options.validationFraction > 0, options.validationFraction < 1 else {
            throw EvaluationError("linear probe needs at least one weight decay and a validation fraction in (0, 1)")
        }
        let n = trainFeatures.shape[0]
        let order = permutation(n, seed: options.seed)
        let validationCount = Swift.max(1, Int((Double(n) * options.validationFraction).rounded()))
        guard n - validationCount >= 1 else { throw EvaluationError("train split of \(n) samples is too small to hold out a validation part") }
        let validationIndex = IntTensor(order[0..<validationCount].map(Int32.init))
        let fitIndex = IntTensor(order[validationCount...].map(Int32.init))
        let fitX = trainFeatures.indexSelect(alongAxis: 0, fitIndex)
        let validationX = trainFeatures.indexSelect(alongAxis: 0, validationIndex)
        let fitY = IntTensor(fitIndex.scalars.map { trainLabels.scalars[Int($0)] })
        let validationY = IntTensor(validationIndex.scalars.map { trainLabels.scalars[Int($0)] })

        var sweep: [WeightDecayTrial] = []
        for wd in options.weightDecays {
            let model = try fit(features: fitX, labels: fitY, classCount: classCount, weightDecay: wd, maxIterations: options.maxIterations)
            let (top1, _) = model.accuracy(validationX, validationY)
            sweep.append(WeightDecayTrial(weightDecay: wd, validationTop1: top1, iterations: model.iterations))
        }
        // Best validation accuracy; ties go to the larger weight decay (the simpler model).
        let best = sweep.enumerated().max { a, b in
            a.element.validationTop1 < b.element.validationTop1
                || (a.element.validationTop1 == b.element.validationTop1 && a.element.weightDecay < b.element.weightDecay)
        }!.element
        let final = try fit(
            features: trainFeatures, labels: trainLabels, classCount: classCount, weightDecay: best.weightDecay,
            maxIterations: options.maxIterations)
        let (trainTop1, _) = final.accuracy(trainFeatures, trainLabels)
        let (top1, top5) = final.accuracy(testFeatures, testLabels)
        return LinearProbeResult(
            top1: top1, top5: top5, trainTop1: trainTop1, weightDecay: best.weightDecay,
            sweep: sweep, iterations: final.iterations)
    }

    /// A seeded permutation of `0..<n` (Fisher-Yates with Philox).
    static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var rng = Philox(seed: seed, stream: 0x70_726f_6265)
        var order = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) } }
        return order
    }
}

/// (top-1, top-k) accuracy of `scores` `[M, C]` against `labels` `[M]` (top-k uses k = min(k, C)).
func topKAccuracy(scores: Tensor, labels: IntTensor, k: Int) -> (Double, Double) {
    let m = scores.shape[0]
    let c = scores.shape[1]
    var hits1 = 0
    var hitsK = 0
    let s = scores.scalars
    let y = labels.scalars
    for i in 0..<m {
        let (h1, hk) = topKHits(scores: s[(i * c)..<((i + 1) * c)], label: Int(y[i]), k: Swift.min(k, c))
        if h1 { hits1 += 1 }
        if hk { hitsK += 1 }
    }
    return (Double(hits1) / Double(Swift.max(m, 1)), Double(hitsK) / Double(Swift.max(m, 1)))
}
