import Support
import TensorCore
import TestSupport
import XCTest

/// Forward values, broadcasting, stability and copy-on-write behaviour.
final class TensorTests: XCTestCase {
    func testBroadcastForwardMatchesLoops() {
        let a = GradientCheck.random([2, 1, 4], seed: 1)
        let b = GradientCheck.random([3, 1], seed: 2)
        let c = a * b
        XCTAssertEqual(c.shape, [2, 3, 4])
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<4 {
                    XCTAssertEqual(c.scalars[(i * 3 + j) * 4 + k], a.scalars[i * 4 + k] * b.scalars[j])
                }
            }
        }
    }

    func testVectorisedBroadcastRowsMatchLoops() {
        // Inner dimension >= 16 and contiguous on both sides: the kernel runs per output row.
        let a = GradientCheck.random([2, 3, 20], seed: 3)
        let b = GradientCheck.random([20], seed: 4)
        let c = GradientCheck.random([2, 1, 20], seed: 5)
        let d = GradientCheck.random([1, 3, 20], seed: 6)
        let sum = a + b
        let difference = b - a
        let product = c * d
        XCTAssertEqual(sum.shape, [2, 3, 20])
        XCTAssertEqual(difference.shape, [2, 3, 20])
        XCTAssertEqual(product.shape, [2, 3, 20])
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<20 {
                    let o = (i * 3 + j) * 20 + k
                    XCTAssertEqual(sum.scalars[o], a.scalars[o] + b.scalars[k])
                    XCTAssertEqual(difference.scalars[o], b.scalars[k] - a.scalars[o])
                    XCTAssertEqual(product.scalars[o], c.scalars[i * 20 + k] * d.scalars[j * 20 + k])
                }
            }
        }
        assertGradients([a, b, c]) { ($0[0] + $0[1]) * $0[2] }
    }

    /// Sums over a middle axis longer than one block of rows (`CPUBackend.columnSumBlock`) against Double, with the
    /// same bits on 1 and 2 threads.
    func testMiddleAxisSumsOverManyRows() {
        var rng = Philox(seed: 4)
        let (outer, n, inner) = (2, 300, 19)
        let x = Tensor(shape: [outer, n, inner], scalars: (0..<(outer * n * inner)).map { _ in rng.nextNormal() })
        let before = Threading.count
        defer { Threading.setCount(before) }
        var results: [[Float]] = []
        for threads in [1, 2] {
            Threading.setCount(threads)
            results.append(x.sum(alongAxes: [1]).scalars)
        }
        XCTAssertEqual(results[0], results[1])
        let xs = x.scalars
        for o in 0..<outer {
            for c in 0..<inner {
                let want = (0..<n).reduce(0.0) { $0 + Double(xs[(o * n + $1) * inner + c]) }
                XCTAssertEqual(Double(results[0][o * inner + c]), want, accuracy: 1e-4)
            }
        }
    }

    func testReductionsForward() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.sum(alongAxes: [0]).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(alongAxes: [1], keepingDims: true).shape, [2, 1])
        XCTAssertEqual(x.mean().scalar, 3.5)
        XCTAssertEqual(x.max(alongAxis: 1).scalars, [3, 6])
        XCTAssertEqual(x.variance(alongAxes: [1]).scalars, [2.0 / 3, 2.0 / 3])
        XCTAssertEqual(x.argmax(alongAxis: 1).scalars, [2, 2])
        XCTAssertEqual(x.transposed().scalars, [1, 4, 2, 5, 3, 6])
        let (v, i) = Tensor([3, 1, 4, 1, 5]).topK(3)
        XCTAssertEqual(v.scalars, [5, 4, 3])
        XCTAssertEqual(i.scalars, [4, 2, 0])
        XCTAssertEqual(Tensor([3, 1, 2]).sorted().values.scalars, [1, 2, 3])
    }

    /// `topK` against a full stable sort of each row, on many rows (the parallel path) with many ties.
    func testTopKMatchesAStableSortOfEveryRow() {
        let (rows, n) = (300, 57)
        let x = Tensor(shape: [rows, n], scalars: GradientCheck.random([rows, n], seed: 5).scalars.map { ($0 * 4).rounded() })
        for k in [0, 1, 7, n] {
            let (v, i) = x.topK(k)
            XCTAssertEqual(v.shape, [rows, k])
            XCTAssertEqual(i.shape, [rows, k])
            for r in 0..<rows {
                let row = Array(x.scalars[(r * n)..<((r + 1) * n)])
                let order = (0..<n).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(k)
                XCTAssertEqual(Array(i.scalars[(r * k)..<((r + 1) * k)]), order.map(Int32.init), "row \(r), k \(k)")
                XCTAssertEqual(Array(v.scalars[(r * k)..<((r + 1) * k)]), order.map { row[$0] }, "row \(r), k \(k)")
            }
        }
    }

    func testSoftmaxStableForHugeLogits() {
        let x = Tensor(shape: [2, 3], scalars: [1e4, -1e4, 0, -1e4, -1e4, 1e4])
        let s = x.softmax()
        XCTAssertEqual(s.scalars, [1, 0, 0, 0, 0, 1])
        let ls = x.logSoftmax()
        XCTAssertTrue(ls.scalars.allSatisfy { $0.isFinite })
        XCTAssertEqual(ls.scalars[0], 0)
        XCTAssertEqual(ls.scalars[1], -2e4)
        let tape = Tape()
        let w = tape.watch(x)
        let loss = Tensor.crossEntropy(logits: w, labels: IntTensor([1, 2]))
        XCTAssertEqual(loss.scalar, 1e4, accuracy: 1)
        let g = tape.gradients(of: loss, wrt: [w])[0]
        XCTAssertTrue(g.scalars.allSatisfy { $0.isFinite })
        XCTAssertEqual(g.scalars[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(g.scalars[1], -0.5, accuracy: 1e-6)
        XCTAssertTrue(x.logSumExp(alongAxis: 1).scalars.allSatisfy { $0.isFinite })
    }

    func testCrossEntropyMatchesFormula() {
        // PyTorch: F.cross_entropy(torch.tensor([[1.,2.,3.],[1.,0.,-1.]]), torch.tensor([2,0]), label_smoothing=0.2) = 0.6076059
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1, 0, -1])
        XCTAssertEqual(Tensor.crossEntropy(logits: logits, labels: IntTensor([2, 0])).scalar, 0.40760596, accuracy: 1e-6)
        XCTAssertEqual(Tensor.crossEntropy(logits: logits, labels: IntTensor([2, 0]), labelSmoothing: 0.2).scalar, 0.6076059, accuracy: 1e-5)
    }

    func testCopyOnWrite() {
        let a = Tensor([1, 2, 3])
        var b = a
        XCTAssertTrue(a.sharesStorage(with: b))
        let before = TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed)
        b.withUnsafeMutableBufferPointer { $0[0] = 9 }
        XCTAssertEqual(TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed), before + 1)
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [9, 2, 3])
        b.withUnsafeMutableBufferPointer { $0[1] = 8 }  // unique now: no copy
        XCTAssertEqual(TensorDiagnostics.copyOnWriteCopies.load(ordering: .relaxed), before + 1)
        XCTAssertTrue(a.reshaped(to: [3, 1]).sharesStorage(with: a))
    }
}
