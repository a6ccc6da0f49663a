import TensorCore
import TestSupport
import XCTest

final class EmbeddingTests: XCTestCase {
    func testLooksUpRows() {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let y = Tensor.embedding(table, indices: IntTensor(shape: [2, 2], scalars: [2, 0, 1, 2]))
        XCTAssertEqual(y.shape, [2, 2, 2])
        XCTAssertEqual(y.scalars, [20, 21, 0, 1, 10, 11, 20, 21])
    }

    func testGradientScatterAddsRepeatedIndices() {
        let tape = Tape()
        let table = tape.watch(Tensor(zeros: [4, 3]))
        let y = Tensor.embedding(table, indices: IntTensor([1, 3, 1]))
        let seed = Tensor(shape: [3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let g = tape.gradients(of: y, wrt: [table], seed: seed)[0]
        XCTAssertEqual(g.scalars, [0, 0, 0, 8, 10, 12, 0, 0, 0, 4, 5, 6])
    }

    func testGradientsByFiniteDifferences() {
        let table = TestTensors.randn([5, 4], seed: 1)
        assertGradients([table]) { Tensor.embedding($0[0], indices: IntTensor(shape: [2, 3], scalars: [0, 4, 4, 2, 1, 0])) }
    }

    func testEmptyIndicesGiveAnEmptyResult() {
        let table = TestTensors.randn([5, 4], seed: 2)
        let y = Tensor.embedding(table, indices: IntTensor(shape: [0], scalars: []))
        XCTAssertEqual(y.shape, [0, 4])
    }
}
