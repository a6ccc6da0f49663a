import Kernels
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
}
