import Foundation
import Recipes
import Support
import TensorCore
import XCTest

final class EmbeddingMapTests: XCTestCase {
    /// Three separated Gaussian clusters in 20-D, 60 points each.
    func clusters(seed: UInt64 = 1) -> (Tensor, [Int32]) {
        var rng = Philox(seed: seed, keys: [9])
        var x: [Float] = []
        var labels: [Int32] = []
        for c in 0..<3 {
            for _ in 0..<60 {
                for j in 0..<20 { x.append((j == c * 5 ? 8 : 0) + rng.nextNormal()) }
                labels.append(Int32(c))
            }
        }
        return (Tensor(shape: [180, 20], scalars: x), labels)
    }

    /// The fraction of points whose nearest other point in the map has the same label.
    func oneNNAccuracy(_ y: Tensor, _ labels: [Int32]) -> Double {
        let n = y.shape[0]
        let s = y.scalars
        var hits = 0
        for i in 0..<n {
            var best = -1
            var bestD = Float.infinity
            for j in 0..<n where j != i {
                let d = (s[2 * i] - s[2 * j]) * (s[2 * i] - s[2 * j]) + (s[2 * i + 1] - s[2 * j + 1]) * (s[2 * i + 1] - s[2 * j + 1])
                if d < bestD {
                    bestD = d
                    best = j
                }
            }
            if labels[best] == labels[i] { hits += 1 }
        }
        return Double(hits) / Double(n)
    }

    func testTSNEAffinitiesHaveThePerplexityAndSumToOne() {
        let (x, _) = clusters()
        var tsne = TSNE()
        tsne.perplexity = 10
        let p = tsne.affinities(x)
        let n = 180
        XCTAssertEqual(p.reduce(0) { $0 + Double($1) }, 1, accuracy: 1e-3)
        for i in [0, 77] {
            XCTAssertEqual(p[i * n + i], 0)
            XCTAssertEqual(p[i * n + 5], p[5 * n + i], "symmetric")
        }
    }

    func testTSNESeparatesClustersAndIsReproducible() {
        let (x, labels) = clusters()
        var tsne = TSNE()
        tsne.iterations = 300
        tsne.exaggerationIterations = 100
        let y = tsne.embed(x)
        XCTAssertEqual(y.shape, Shape([180, 2]))
        XCTAssertTrue(y.scalars.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(oneNNAccuracy(y, labels), 0.97)
        XCTAssertEqual(tsne.embed(x).scalars, y.scalars, "same seed, same map")
    }

    func testPCARecoversTheMainDirection() {
        // Points spread along (1, 1, 0, ...)/√2 with small noise: PC1 carries it, PC2 little.
        var rng = Philox(seed: 4, keys: [1])
        var x: [Float] = []
        for _ in 0..<200 {
            let t = rng.nextNormal() * 5
            let along: Float = t / Float(2).squareRoot()
            x.append(along + 0.1 * rng.nextNormal())
            x.append(along + 0.1 * rng.nextNormal())
            for _ in 0..<6 { x.append(0.1 * rng.nextNormal()) }
        }
        let y = PCA.project(Tensor(shape: [200, 8], scalars: x))
        let pc1 = stride(from: 0, to: 400, by: 2).map { Double(y.scalars[$0]) }
        let pc2 = stride(from: 1, to: 400, by: 2).map { Double(y.scalars[$0]) }
        let v1 = pc1.reduce(0) { $0 + $1 * $1 }
        let v2 = pc2.reduce(0) { $0 + $1 * $1 }
        XCTAssertGreaterThan(v1, 100 * v2)
        XCTAssertEqual(pc1.reduce(0, +) / 200, 0, accuracy: 1e-3, "centred")
    }

    func testMapSVGHasALegendAndSubsets() throws {
        let (x, labels) = clusters()
        var map = EmbeddingMap(method: .pca)
        map.maxPoints = 100
        let drawn = try map.draw(features: x, labels: labels, classNames: ["a", "b<c", "d"], title: "PCA")
        XCTAssertEqual(drawn.positions.count, 100)
        XCTAssertEqual(drawn.positions, drawn.positions.sorted())
        XCTAssertEqual(drawn.svg.components(separatedBy: "<circle").count - 1, 100 + 3, "points plus three legend marks")
        XCTAssertTrue(drawn.svg.contains("b&lt;c ("), "escaped class names in the legend")
        XCTAssertThrowsError(
            try EmbeddingMap(method: .tsne).draw(
                features: Tensor(shape: [1, 2], scalars: [0, 1]), labels: [0],
                classNames: [], title: "")
        ) { XCTAssertTrue("\($0)".contains("at least 2")) }
    }
}
