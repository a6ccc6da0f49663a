import Foundation
import Plot
import Support
import TensorCore

/// `retort embed --map`: a 2-D map of features coloured by label. Rows are L2-normalised first
/// (the cosine geometry of the kNN evaluation); at most `maxPoints` of them, a seeded random subset
/// (in store order) when there are more; then exact t-SNE (`TSNE`) or the first two principal
/// components (`PCA`), drawn by `SVGScatter`.
public struct EmbeddingMap {
    /// How to map to 2-D.
    public enum Method: String, Sendable, CaseIterable {
        /// Exact t-SNE (O(N²) per iteration; a few thousand points).
        case tsne
        /// The first two principal components (fast).
        case pca
    }

    /// The method.
    public var method: Method
    /// The most points drawn (exact t-SNE refuses more than `TSNE.maxPoints`).
    public var maxPoints = 2000
    /// The t-SNE settings (its seed also picks the subset).
    public var tsne = TSNE()

    /// Exact t-SNE above this many points takes minutes and gigabytes (N² affinities).
    public static let tsneMaxPoints = 5000

    /// A map made with `method`.
    public init(method: Method) { self.method = method }

    /// The map of `features` `[N, D]` with `labels` (-1: none): the stored positions drawn, their
    /// 2-D coordinates `[M, 2]`, and the SVG with `title` and a legend of `classNames`.
    public func draw(features: Tensor, labels: [Int32], classNames: [String], title: String) throws
        -> (positions: [Int], coordinates: Tensor, svg: String)
    {
        let n = features.shape[0]
        let d = features.shape[1]
        guard maxPoints >= 2 else { throw EvaluationError("--max-points must be >= 2, got \(maxPoints)") }
        guard n >= 2 else { throw EvaluationError("a map needs at least 2 samples, the store has \(n)") }
        if method == .tsne && min(n, maxPoints) > Self.tsneMaxPoints {
            throw EvaluationError(
                "exact t-SNE of \(min(n, maxPoints)) points is too slow (O(N²)); use --max-points \(Self.tsneMaxPoints) or less, or --map pca")
        }
        var positions = Array(0..<n)
        if n > maxPoints {
            var rng = Philox(seed: tsne.seed, keys: [0x6d6170])  // "map"
            for i in stride(from: n - 1, to: 0, by: -1) { positions.swapAt(i, rng.nextInt(below: i + 1)) }
            positions = Array(positions.prefix(maxPoints)).sorted()
        }
        let source = features.scalars
        var rows = [Float](repeating: 0, count: positions.count * d)
        for (r, p) in positions.enumerated() {
            var norm: Float = 0
            for c in 0..<d { norm += source[p * d + c] * source[p * d + c] }
            let inv = 1 / max(norm.squareRoot(), 1e-12)
            for c in 0..<d { rows[r * d + c] = source[p * d + c] * inv }
        }
        let x = Tensor(shape: [positions.count, d], scalars: rows)
        let coordinates = method == .tsne ? tsne.embed(x) : PCA.project(x, components: min(2, d))
        let c = coordinates.scalars
        let k = coordinates.shape[1]
        let points = (0..<positions.count).map { (x: Double(c[$0 * k]), y: k > 1 ? Double(c[$0 * k + 1]) : 0) }
        let chart = SVGScatter(title: title, points: points, labels: positions.map { Int(labels[$0]) }, classNames: classNames)
        return (positions, coordinates, chart.svg())
    }
}
