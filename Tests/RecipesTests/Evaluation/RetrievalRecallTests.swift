import Recipes
import TensorCore
import XCTest

final class RetrievalRecallTests: XCTestCase {
    /// Four pairs on the unit circle: image n and caption n point the same way except that caption 1
    /// points where caption 0 does, so images 0 and 1 each see captions 0 and 1 tie at the top (ties
    /// count for the partner), and caption 1 finds image 0 first: a miss, but of its class.
    func testRecallCountsPartnersAndClassesPoolByPool() {
        let angles: [Float] = [0, 1.0, 2.5, 4.0]
        let images = Tensor(shape: [4, 2], scalars: angles.flatMap { [cos($0), sin($0)] })
        var textAngles = angles
        textAngles[1] = 0
        let texts = Tensor(shape: [4, 2], scalars: textAngles.flatMap { [cos($0), sin($0)] })
        let labels = [7, 7, 3, 4]

        let all = RetrievalRecall(images: images, texts: texts, labels: labels, pool: 0)
        XCTAssertEqual(all.pool, 4)
        XCTAssertEqual(all.imageToText1, 1.0, accuracy: 1e-9)
        // Caption 1 finds image 0 first: a miss at rank 1, inside the top 5, of the same class.
        XCTAssertEqual(all.textToImage1, 0.75, accuracy: 1e-9)
        XCTAssertEqual(all.textToImage5, 1.0, accuracy: 1e-9)
        XCTAssertEqual(all.textToImageClass1, 1.0, accuracy: 1e-9)

        // Pools of 2: {0, 1} and {2, 3}; caption 1 still finds image 0 first.
        let pooled = RetrievalRecall(images: images, texts: texts, labels: labels, pool: 2)
        XCTAssertEqual(pooled.pool, 2)
        XCTAssertEqual(pooled.pairs, 4)
        XCTAssertEqual(pooled.textToImage1, 0.75, accuracy: 1e-9)
        // With one pair per pool every query finds its partner.
        let single = RetrievalRecall(images: images, texts: texts, labels: labels, pool: 1)
        XCTAssertEqual(single.textToImage1, 1.0, accuracy: 1e-9)
        XCTAssertEqual(single.imageToTextClass1, 1.0, accuracy: 1e-9)
    }
}
