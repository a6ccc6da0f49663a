import Foundation
import TensorCore

/// RankMe (Garrido et al. 2023, "RankMe: Assessing the downstream performance of pretrained
/// self-supervised representations by their rank"): the effective rank of an embedding matrix
/// `Z` `[N, D]`, `exp(−Σ_k p_k log p_k)` with `p_k = σ_k / ‖σ‖₁ + ε` over the singular values σ of
/// `Z` (ε = 1e-7 as in the paper). 1 for a collapsed embedding (all rows equal), close to
/// `min(N, D)` for an isotropic one. The singular values are the square roots of the eigenvalues of
/// the smaller Gram matrix (`ZᵀZ` or `ZZᵀ`), computed in double precision (`SymmetricEigen`).
public enum RankMe {
    /// ε added to each normalised singular value.
    public static let epsilon = 1e-7

    /// The effective rank of `embedding` `[N, D]`.
    public static func effectiveRank(_ embedding: Tensor) -> Double {
        precondition(embedding.shape.rank == 2, "RankMe: embedding must be [N, D], got \(embedding.shape)")
        let n = embedding.shape[0]
        let d = embedding.shape[1]
        let z = embedding.scalars.map(Double.init)
        let k = min(n, d)
        var gram = [Double](repeating: 0, count: k * k)
        if d <= n {  // ZᵀZ
            for r in 0..<n {
                let row = r * d
                for i in 0..<d where z[row + i] != 0 {
                    let zi = z[row + i]
                    for j in i..<d { gram[i * d + j] += zi * z[row + j] }
                }
            }
        } else {  // ZZᵀ
            for i in 0..<n {
                for j in i..<n {
                    var s = 0.0
                    for c in 0..<d { s += z[i * d + c] * z[j * d + c] }
                    gram[i * n + j] = s
                }
            }
        }
        for i in 0..<k { for j in 0..<i { gram[i * k + j] = gram[j * k + i] } }
        return effectiveRank(singularValues: SymmetricEigen.eigenvalues(gram, n: k).map { max($0, 0).squareRoot() })
    }

    /// `exp(−Σ p log p)` with `p_k = σ_k / Σσ + ε`; 1 when every σ is zero (nothing to spread).
    public static func effectiveRank(singularValues sigma: [Double]) -> Double {
        let total = sigma.reduce(0, +)
        guard total > 0 else { return 1 }
        let entropy = sigma.reduce(0.0) { h, s in
            let p = s / total + epsilon
            return h - p * Foundation.log(p)
        }
        return Foundation.exp(entropy)
    }
}
