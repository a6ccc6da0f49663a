import Foundation
import Support
import TensorCore

/// PixPro's pure functions (Xie et al. 2021, zdaxie/PixPro `contrast/models/PixPro.py`): the pixel
/// propagation module's attention (`featprop`), the positive pixel pairs of two views from their
/// crop boxes, and the pixel consistency loss (`regression_loss`).
///
/// A **box** is `(x0, y0, x1, y1)` of a view's crop in its source image, along (W, H), in
/// pixel-centre coordinates normalised by `(W_img − 1, H_img − 1)` (`transform_coord.py`); a
/// horizontally flipped view has its x coordinates swapped (`x0 > x1`), so its bin width is
/// negative and its bin centres run right to left, mirroring the map.
public enum PixProLosses {
    /// `featprop` without its value transform: `y_i = Σ_j s_ij · v̂_j` with
    /// `s_ij = max(x̂_i · x̂_j, clamp)^γ` (`+1e-6` before the power when γ < 1), no softmax and no
    /// normalisation of the weights; x̂, v̂ are the maps normalised along C (`F.normalize`, 1e-12).
    ///
    /// `features` `[N, C, H, W]` (x, the projector output), `values` `[N, C', H, W]` (the value
    /// transform of x; pass `features` for the identity transform). Returns `[N, C', H, W]`, not
    /// normalised (the caller normalises, as `forward` does). The attention is `[N, HW, HW]`.
    public static func propagate(features x: Tensor, values v: Tensor, gamma: Float, clamp: Float = 0) -> Tensor {
        require(
            x.rank == 4 && v.rank == 4 && x.shape[0] == v.shape[0] && x.shape[2] == v.shape[2] && x.shape[3] == v.shape[3],
            "propagate: features \(x.shape) and values \(v.shape), want [N, C, H, W] and [N, C', H, W]")
        require(gamma > 0, "propagate: gamma \(gamma) must be > 0")
        let n = x.shape[0]
        let c = x.shape[1]
        let cv = v.shape[1]
        let hw = x.shape[2] * x.shape[3]
        let keys = x.l2Normalized(alongAxis: 1).reshaped(to: [n, c, hw])
        let values = v.l2Normalized(alongAxis: 1).reshaped(to: [n, cv, hw])
        // [N, HW, HW]: attention[i, j] = x̂_i · x̂_j
        var attention = Tensor.matmul(keys, keys, transposeA: true).clamped(min: clamp)
        if gamma < 1 { attention = attention + 1e-6 }
        if gamma != 1 { attention = attention.pow(gamma) }
        // [N, C', HW]: y[:, i] = Σ_j v̂[:, j] · attention[i, j]
        return Tensor.matmul(values, attention, transposeB: true).reshaped(to: v.shape)
    }

    /// The positive-pair mask of `regression_loss`: `A[n, i, j] = 1` when the centre of bin `i` of
    /// the query map and bin `j` of the key map are closer than `threshold` in units of the larger
    /// of the two views' bin diagonals, in source-image coordinates.
    ///
    ///     bw = (x1 − x0) / W, bh = (y1 − y0) / H          (per view; negative bw for a flipped view)
    ///     centre(i = (r, c)) = ((c + ½)·bw + x0, (r + ½)·bh + y0)
    ///     A_ij = 1[‖centre_q(i) − centre_k(j)‖ / max(diag_q, diag_k) < threshold]
    ///
    /// `boxQuery`, `boxKey` `[N, 4]` (see the type's doc); `height`, `width` of the feature maps.
    /// Returns an untraced `[N, HW, HW]` tensor of 0/1 (bins in row-major order, as `view(N, C, -1)`).
    /// Computed in Float64, so the comparison does not depend on rounding of the centres.
    public static func positivePairs(boxQuery: Tensor, boxKey: Tensor, height: Int, width: Int, threshold: Float) -> Tensor {
        require(
            boxQuery.rank == 2 && boxQuery.shape[1] == 4 && boxKey.shape == boxQuery.shape,
            "positivePairs: boxes \(boxQuery.shape) and \(boxKey.shape), want [N, 4]")
        require(height >= 1 && width >= 1, "positivePairs: map \(height)x\(width)")
        let n = boxQuery.shape[0]
        let hw = height * width
        let bq = boxQuery.detached.scalars.map(Double.init)
        let bk = boxKey.detached.scalars.map(Double.init)
        var mask = [Float](repeating: 0, count: n * hw * hw)
        let limit = Double(threshold)
        for s in 0..<n {
            let q = Array(bq[(s * 4)..<(s * 4 + 4)])
            let k = Array(bk[(s * 4)..<(s * 4 + 4)])
            let cq = binCentres(q, height: height, width: width)
            let ck = binCentres(k, height: height, width: width)
            let diagonal = max(cq.diagonal, ck.diagonal)
            for i in 0..<hw {
                for j in 0..<hw {
                    let dx = cq.x[i] - ck.x[j]
                    let dy = cq.y[i] - ck.y[j]
                    if (dx * dx + dy * dy).squareRoot() / diagonal < limit { mask[(s * hw + i) * hw + j] = 1 }
                }
            }
        }
        return Tensor(shape: [n, hw, hw], scalars: mask)
    }

    /// The bin centres (row-major) and the bin diagonal of one view's `(x0, y0, x1, y1)` box
    /// on an `height × width` map.
    static func binCentres(_ box: [Double], height: Int, width: Int) -> (x: [Double], y: [Double], diagonal: Double) {
        let bw = (box[2] - box[0]) / Double(width)
        let bh = (box[3] - box[1]) / Double(height)
        var xs: [Double] = []
        var ys: [Double] = []
        xs.reserveCapacity(height * width)
        ys.reserveCapacity(height * width)
        for r in 0..<height {
            for c in 0..<width {
                xs.append((Double(c) + 0.5) * bw + box[0])
                ys.append((Double(r) + 0.5) * bh + box[1])
            }
        }
        return (xs, ys, (bw * bw + bh * bh).squareRoot())
    }

    /// `regression_loss(q, k, coord_q, coord_k, pos_ratio)`: per sample the mean inner product of
    /// the positive pairs, `Σ A_ij ⟨q_i, k_j⟩ / (Σ A_ij + 1e-6)` (a sample without a positive pair
    /// contributes 0), batch mean, times −2 (no +2).
    ///
    /// `query`, `key` `[N, C, H, W]`, used as given (the caller normalises them along C; the key is
    /// not detached here); `boxQuery`, `boxKey` `[N, 4]`. Returns a scalar (shape `[]`).
    public static func regression(query q: Tensor, key k: Tensor, boxQuery: Tensor, boxKey: Tensor, threshold: Float) -> Tensor {
        require(q.rank == 4 && q.shape == k.shape, "regression: query \(q.shape) vs key \(k.shape), want equal [N, C, H, W]")
        let n = q.shape[0]
        let c = q.shape[1]
        let h = q.shape[2]
        let w = q.shape[3]
        let mask = positivePairs(boxQuery: boxQuery, boxKey: boxKey, height: h, width: w, threshold: threshold)
        let counts = mask.sum(alongAxes: [1, 2]) + 1e-6  // [N]
        // [N, HW, HW]: logit[i, j] = ⟨q_i, k_j⟩
        let logits = Tensor.matmul(q.reshaped(to: [n, c, h * w]), k.reshaped(to: [n, c, h * w]), transposeA: true)
        let perSample = (logits * mask).sum(alongAxes: [1, 2]) / counts
        return perSample.mean() * -2
    }

    /// PixPro's pixel consistency loss over two views (`PixPro.forward`):
    /// `L(ŷ1, sg x̂2, box1, box2) + L(ŷ2, sg x̂1, box2, box1)`, L = `regression`, with ŷ the
    /// propagated query maps and x̂ the key projections, both normalised along C here (1e-12).
    ///
    /// `predictions` `(y1, y2)` and `keys` `(x1, x2)`: `[N, C, H, W]` each; `boxes` `[N, 4]` each.
    /// The keys are detached (they come from the momentum encoder). Returns a scalar.
    public static func consistency(
        predictions y: (Tensor, Tensor), keys x: (Tensor, Tensor), boxes: (Tensor, Tensor),
        threshold: Float
    ) -> Tensor {
        direction(prediction: y.0, key: x.1, boxPrediction: boxes.0, boxKey: boxes.1, threshold: threshold)
            + direction(prediction: y.1, key: x.0, boxPrediction: boxes.1, boxKey: boxes.0, threshold: threshold)
    }

    /// One direction of `consistency`: `regression(ŷ, sg x̂, boxPrediction, boxKey, threshold)`
    /// with ŷ = `prediction` and x̂ = `key` (detached) normalised along C (1e-12). `[N, C, H, W]`
    /// each, boxes `[N, 4]`; returns a scalar. Depends on one view's online branch only, so a
    /// step can differentiate it before the other view's forward pass.
    public static func direction(
        prediction y: Tensor, key x: Tensor, boxPrediction: Tensor, boxKey: Tensor,
        threshold: Float
    ) -> Tensor {
        regression(
            query: y.l2Normalized(alongAxis: 1), key: x.detached.l2Normalized(alongAxis: 1),
            boxQuery: boxPrediction, boxKey: boxKey, threshold: threshold)
    }

    /// PixPro's instance loss (`PixPro.regression_loss(x, y)`): `−2 · mean_n ⟨x_n, y_n⟩` summed over
    /// the two directions, `−2⟨p̂1, sg k̂2⟩ − 2⟨p̂2, sg k̂1⟩`; `predictions` and `keys` `[N, D]`,
    /// normalised along D here, keys detached. Returns a scalar.
    public static func instance(predictions p: (Tensor, Tensor), keys k: (Tensor, Tensor)) -> Tensor {
        func term(_ a: Tensor, _ b: Tensor) -> Tensor {
            (a.l2Normalized(alongAxis: 1) * b.detached.l2Normalized(alongAxis: 1)).sum(alongAxes: [1]).mean() * -2
        }
        return term(p.0, k.1) + term(p.1, k.0)
    }
}
