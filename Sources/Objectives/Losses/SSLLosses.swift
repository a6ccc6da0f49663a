import Support
import TensorCore

/// Pure self-supervised loss functions (no modules, no state).
public enum SSLLosses {
    /// BYOL's regression loss (Grill et al. 2020, `byol/utils/helpers.py::regression_loss`):
    /// mean over the batch of ‖l2n(p) − l2n(sg z)‖² = 2 − 2 cos(p, z), with the official
    /// normalisation x·rsqrt(max(‖x‖², 1e-12)). `prediction` `[N, D]`, `target` `[N, D]`
    /// (detached here).
    public static func byolRegression(prediction p: Tensor, target z: Tensor) -> Tensor {
        require(p.shape == z.shape && p.rank == 2, "byolRegression: prediction \(p.shape) vs target \(z.shape)")
        let cos = (p.l2Normalized(alongAxis: 1, epsilon: 1e-6) * z.detached.l2Normalized(alongAxis: 1, epsilon: 1e-6)).sum(alongAxes: [1])
        return (2 - cos * 2).mean()
    }

    /// BYOL's symmetric loss over two views: ℓ(q1, sg z2′) + ℓ(q2, sg z1′).
    public static func byolSymmetric(predictions q: (Tensor, Tensor), targets z: (Tensor, Tensor)) -> Tensor {
        byolRegression(prediction: q.0, target: z.1) + byolRegression(prediction: q.1, target: z.0)
    }

    /// SimSiam's symmetric negative cosine loss (Chen & He 2021, facebookresearch/simsiam
    /// `main_simsiam.py`, `nn.CosineSimilarity(dim=1)` on the predictor outputs and the detached
    /// projections): `−½ (mean_n cos(p1, sg z2) + mean_n cos(p2, sg z1))`.
    ///
    /// `predictions` `(p1, p2)` and `targets` `(z1, z2)`: `[N, D]` each, view 1 then view 2. `cos`
    /// is PyTorch's `cosine_similarity` (each norm floored at 1e-8). The targets are detached here,
    /// so they get no gradient. Returns a scalar in `[−1, 1]` (shape `[]`).
    public static func simsiam(predictions p: (Tensor, Tensor), targets z: (Tensor, Tensor)) -> Tensor {
        require(
            p.0.rank == 2 && p.0.shape == p.1.shape && z.0.shape == p.0.shape && z.1.shape == p.0.shape,
            "simsiam: predictions \(p.0.shape), \(p.1.shape) vs targets \(z.0.shape), \(z.1.shape), want equal [N, D]")
        let c1 = Tensor.cosineSimilarity(p.0, z.1.detached, alongAxis: 1).mean()
        let c2 = Tensor.cosineSimilarity(p.1, z.0.detached, alongAxis: 1).mean()
        return (c1 + c2) * -0.5
    }
}
