/// The per-element loops of the optimizers and of the EMA (NN's `SGD`, `AdamW`, `LAMB`, `LARS`,
/// `DOT`, `EMA`) over one parameter's contiguous buffer of `count` elements, updated in place. Plain
/// scalar loops in a fixed order, so a step is bit-identical from run to run (resume depends on it);
/// the hyper-parameter logic (groups, bias corrections, exclusions) stays with the optimizers.
public enum OptimizerKernels {
    /// `torch.optim.SGD` on one parameter: d = g + λw; b = d on the first step, else μb + (1 − τ)d;
    /// d = d + μb (Nesterov) or b; w ← w − η d. With `buffer` nil: w ← w − η (g + λw) (μ = 0).
    public static func sgd(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, buffer b: UnsafeMutablePointer<Float>?, count n: Int,
        learningRate lr: Float, weightDecay wd: Float, momentum mu: Float, dampening: Float,
        nesterov: Bool, firstStep: Bool
    ) {
        guard let b else {
            for i in 0..<n { w[i] -= lr * (g[i] + wd * w[i]) }
            return
        }
        for i in 0..<n {
            var d = g[i] + wd * w[i]
            b[i] = firstStep ? d : mu * b[i] + (1 - dampening) * d
            d = nesterov ? d + mu * b[i] : b[i]
            w[i] -= lr * d
        }
    }

    /// `torch.optim.AdamW` (single-tensor path) on one parameter: w ← w · decay (decay = 1 − ηλ);
    /// m ← m + (g − m)(1 − β₁); v ← β₂v + (1 − β₂)g²; w ← w − stepSize · m / (√v / correction2 + ε),
    /// stepSize = η / (1 − β₁ᵗ), correction2 = √(1 − β₂ᵗ).
    public static func adamw(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
        secondMoment v: UnsafeMutablePointer<Float>, count n: Int, decay: Float, stepSize: Float,
        correction2: Float, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float
    ) {
        for i in 0..<n {
            w[i] *= decay
            m[i] += (g[i] - m[i]) * (1 - b1)
            v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i]
            w[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
        }
    }

    /// LAMB (You et al. 2020, Algorithm 2) on one parameter: m and v as Adam; r = (m / c1) / (√(v / c2) + ε) + λw;
    /// w ← w − η · (‖w‖ / ‖r‖) · r, the trust ratio 1 when `adapt` is false or either norm is 0 (norms in Double).
    public static func lamb(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
        secondMoment v: UnsafeMutablePointer<Float>, count n: Int, learningRate lr: Float, weightDecay wd: Float,
        adapt: Bool, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, correction1 c1: Float, correction2 c2: Float
    ) {
        let r = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        defer { r.deallocate() }
        var wn = 0.0
        var rn = 0.0
        for i in 0..<n {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            r[i] = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + wd * w[i]
            wn += Double(w[i]) * Double(w[i])
            rn += Double(r[i]) * Double(r[i])
        }
        let trust: Float = adapt && wn > 0 && rn > 0 ? Float(wn.squareRoot() / rn.squareRoot()) : 1
        let scale = lr * trust
        for i in 0..<n { w[i] -= scale * r[i] }
    }

    /// LARS (You et al. 2017; solo-learn/BYOL's form) on one parameter: q = η_t ‖w‖ / ‖g + λw‖ when `adapt`
    /// and both norms are positive, else 1 (norms in Double); b ← μb + q(g + λw); w ← w − η b.
    public static func lars(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, buffer b: UnsafeMutablePointer<Float>, count n: Int,
        learningRate lr: Float, weightDecay wd: Float, momentum mu: Float, trustCoefficient eta: Float, adapt: Bool
    ) {
        var q: Float = 1
        if adapt {
            var pn = 0.0
            var dn = 0.0
            for i in 0..<n {
                let d = Double(g[i] + wd * w[i])
                pn += Double(w[i]) * Double(w[i])
                dn += d * d
            }
            if pn > 0 && dn > 0 { q = Float(Double(eta) * pn.squareRoot() / dn.squareRoot()) }
        }
        for i in 0..<n {
            b[i] = b[i] * mu + (g[i] + wd * w[i]) * q
            w[i] -= lr * b[i]
        }
    }

    /// Heavy-ball momentum without dampening (mdistiller DOT's per-group step): d = g + λw (g alone when
    /// λ = 0); b = d on the first step, else m·b + d; w ← w − η b.
    public static func heavyBall(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, buffer b: UnsafeMutablePointer<Float>, count n: Int,
        learningRate lr: Float, weightDecay lambda: Float, momentum m: Float, firstStep: Bool
    ) {
        for i in 0..<n {
            let d = lambda != 0 ? g[i] + lambda * w[i] : g[i]
            b[i] = firstStep ? d : m * b[i] + d
            w[i] -= lr * b[i]
        }
    }

    /// The exponential moving average: target ← τ·target + (1 − τ)·source (τ = 0 copies).
    public static func movingAverage(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count n: Int, momentum t: Float) {
        for i in 0..<n { target[i] = t * target[i] + (1 - t) * source[i] }
    }
}
