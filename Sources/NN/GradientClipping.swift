import Foundation
import TensorCore

/// Gradient clipping by global norm (PyTorch's `clip_grad_norm_`).
public enum GradientClipping {
    /// The global L2 norm sqrt(Σ‖g‖²) over all gradients.
    public static func globalNorm(_ gradients: [String: Tensor]) -> Float {
        Float(gradients.values.reduce(0) { $0 + $1.sumOfSquares() }.squareRoot())
    }

    /// Scales all gradients by min(1, maxNorm / (norm + 1e-6)) and returns the norm before clipping.
    /// The scaled gradients are new tensors (gradients may share storage with each other).
    @discardableResult
    public static func clipByGlobalNorm(_ gradients: inout [String: Tensor], maxNorm: Float) -> Float {
        let norm = globalNorm(gradients)
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            for key in Array(gradients.keys) { gradients[key] = gradients[key]!.detached * coefficient }
        }
        return norm
    }
}
