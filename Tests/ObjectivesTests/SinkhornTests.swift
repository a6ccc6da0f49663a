import Foundation
import NN
import Objectives
import TensorCore
import TestSupport
import XCTest

/// SwAV's and SeLa's Sinkhorn-Knopp solvers beyond the fixture values: the marginals they reach,
/// the typed errors instead of NaN, `retort loss` errors of their rows, and gradients.
final class SinkhornTests: XCTestCase {
    static var fixtures: URL { LossRegistryTests.fixtures }

    /// Cosine scores `[n, k]` of random unit embeddings against random unit prototypes.
    func cosineScores(_ n: Int, _ k: Int, seed: UInt64) -> Tensor {
        let z = GradientCheck.random([n, 16], seed: seed).l2Normalized(alongAxis: 1)
        let c = GradientCheck.random([k, 16], seed: seed + 1).l2Normalized(alongAxis: 1)
        return Tensor.matmul(z, c, transposeB: true)
    }

    func sums(_ q: Tensor) -> (rows: [Float], columns: [Float]) {
        (q.sum(alongAxes: [1]).scalars, q.sum(alongAxes: [0]).scalars)
    }

    func testSwAVCodesHaveTheReferenceMarginals() throws {
        // Against the reference (distributed_sinkhorn in PyTorch): the same row and column sums.
        let inputs = try SafeTensors.read(from: Self.fixtures.appendingPathComponent("sinkhorn_n16_k12_e0.03_i5.inputs.safetensors"))
        let expected = try SafeTensors.read(from: Self.fixtures.appendingPathComponent("sinkhorn_n16_k12_e0.03_i5.expected.safetensors"))
        let q = try SwAVLosses.sinkhorn(inputs.tensors["scores"]!, epsilon: 0.03, iterations: 5)
        let (rows, columns) = sums(q)
        let (refRows, refColumns) = sums(expected.tensors["assignments"]!)
        assertClose(rows, refRows, rtol: 1e-5, "row sums")
        assertClose(columns, refColumns, rtol: 1e-4, "column sums")
        // The last step normalises samples: every row sums to 1 exactly (to rounding).
        for r in rows { XCTAssertEqual(r, 1, accuracy: 1e-5) }
        // Run to convergence, each prototype gets B/K of the mass (equipartition), each sample 1.
        let b = 64
        let k = 8
        let converged = try SwAVLosses.sinkhorn(cosineScores(b, k, seed: 3), epsilon: 0.05, iterations: 200)
        let (r2, c2) = sums(converged)
        for r in r2 { XCTAssertEqual(r, 1, accuracy: 1e-4) }
        for c in c2 { XCTAssertEqual(c, Float(b) / Float(k), accuracy: 1e-3 * Float(b) / Float(k)) }
        XCTAssertTrue(converged.scalars.allSatisfy { $0 >= 0 })
    }

    func testTooSmallEpsilonIsAnErrorNamingSwAVsSinkhornNotNaN() {
        let scores = cosineScores(8, 5, seed: 1)
        XCTAssertThrowsError(try SwAVLosses.sinkhorn(scores, epsilon: 0.005, iterations: 3)) { e in
            guard case .nonFinite(let solver, let parameter, let value, _)? = e as? SinkhornError else { return XCTFail("\(e)") }
            XCTAssertEqual(solver, "SwAV's Sinkhorn")
            XCTAssertEqual(parameter, "epsilon")
            XCTAssertEqual(value, Double(Float(0.005)))
            let text = "\(e)"
            XCTAssertTrue(text.contains("SwAV's Sinkhorn") && text.contains("epsilon = 0.005") && text.contains("overflows"), text)
        }
        // Underflow (every exp(score / epsilon) is 0 in Float32) is an error too.
        XCTAssertThrowsError(try SwAVLosses.sinkhorn(Tensor(repeating: -10, shape: [4, 3]), epsilon: 0.05, iterations: 3)) { e in
            XCTAssertTrue("\(e)".contains("SwAV's Sinkhorn"), "\(e)")
        }
        // NaN scores (a diverged model) are named as such.
        XCTAssertThrowsError(try SwAVLosses.sinkhorn(Tensor(repeating: .nan, shape: [4, 3]), epsilon: 0.05, iterations: 3)) { e in
            XCTAssertEqual(e as? SinkhornError, .nonFiniteInput(solver: "SwAV's Sinkhorn"))
        }
        XCTAssertThrowsError(try SelfLabelLosses.labels(logits: Tensor(repeating: .infinity, shape: [4, 3]), lambda: 10)) { e in
            XCTAssertEqual(e as? SinkhornError, .nonFiniteInput(solver: "SeLa's Sinkhorn-Knopp"))
        }
        // The same through the swapped-prediction loss and `retort loss swav` (exit code 2 there).
        XCTAssertThrowsError(
            try SwAVLosses.swappedPrediction(
                scores: cosineScores(12, 5, seed: 2), views: 3, assign: [0, 1],
                temperature: 0.1, epsilon: 0.001, iterations: 3)
        ) { e in
            XCTAssertTrue(e is SinkhornError, "\(e)")
        }
        let file = SafeTensors(tensors: ["scores": cosineScores(12, 5, seed: 2)])
        XCTAssertThrowsError(try LossRegistry.evaluate(name: "swav", inputs: file, parameters: ["views": "3", "epsilon": "0.001"])) { e in
            guard case .invalidInput(let loss, let input, let message)? = e as? LossError else { return XCTFail("\(e)") }
            XCTAssertEqual([loss, input], ["swav", "scores"])
            XCTAssertTrue(message.contains("SwAV's Sinkhorn") && message.contains("0.001"), message)
        }
    }

    func testSwappedPredictionPassesAFiniteDifferenceCheck() throws {
        // The codes are constants of the loss (no gradient through Sinkhorn), so the finite
        // differences perturb only the views that are not assigned (views 2 and 3 of 4).
        let queue = cosineScores(2 * 6, 5, seed: 9).reshaped(to: [2, 6, 5])
        let assigned = cosineScores(6, 5, seed: 7) * 3
        let predicted = cosineScores(6, 5, seed: 8) * 3
        assertGradients([predicted], "swapped prediction") {
            try! SwAVLosses.swappedPrediction(
                scores: Tensor.concatenate([assigned, $0[0]], alongAxis: 0), views: 4, assign: [0, 1],
                temperature: 0.5, epsilon: 0.5, iterations: 3, queue: queue
            ).loss
        }
    }

    func testSwAVLossRowChecksViewsAssignAndQueue() {
        let scores = cosineScores(12, 5, seed: 4)
        func error(_ inputs: SafeTensors, _ p: [String: String]) -> LossError? {
            do {
                _ = try LossRegistry.evaluate(name: "swav", inputs: inputs, parameters: p)
                XCTFail("expected an error")
                return nil
            } catch {
                return error as? LossError
            }
        }
        let file = SafeTensors(tensors: ["scores": scores])
        XCTAssertEqual(error(file, [:]), .missingParameter(loss: "swav", parameter: "views", expected: "positive integer"))
        guard case .invalidParameter("swav", "views", "1", _)? = error(file, ["views": "1"]) else { return XCTFail("views 1") }
        guard case .wrongShape("swav", "scores", _, _, let reason)? = error(file, ["views": "5"]) else { return XCTFail("12 rows, 5 views") }
        XCTAssertTrue(reason.contains("12 rows"), reason)
        guard case .invalidParameter("swav", "assign", _, let expected)? = error(file, ["views": "3", "assign": "0,3"]) else {
            return XCTFail("assign out of range")
        }
        XCTAssertTrue(expected.contains("3"), expected)
        var queued = file
        queued.tensors["queue"] = Tensor(zeros: [3, 4, 5])
        guard case .wrongShape("swav", "queue", _, _, _)? = error(queued, ["views": "3"]) else { return XCTFail("queue blocks") }
        queued.tensors["queue"] = Tensor(zeros: [2, 4, 6])
        guard case .wrongShape("swav", "queue", _, _, _)? = error(queued, ["views": "3"]) else { return XCTFail("queue K") }
        var nan = file
        nan.tensors["scores"] = Tensor(repeating: .nan, shape: [12, 5])
        guard case .invalidInput("swav", "scores", _)? = error(nan, ["views": "3"]) else { return XCTFail("NaN scores") }
        // A valid request: the queue gets a zero gradient, the scores a non-zero one.
        queued.tensors["queue"] = Tensor(zeros: [2, 4, 5]) + 0.1
        let out = try? LossRegistry.evaluate(name: "swav", inputs: queued, parameters: ["views": "3"])
        XCTAssertEqual(out?.tensors["grad.queue"]?.scalars.allSatisfy { $0 == 0 }, true)
        XCTAssertEqual(out?.tensors["grad.scores"]?.scalars.contains { $0 != 0 }, true)
    }

    func testSeLaLabelsAreBalancedAndErrorsAreTyped() throws {
        // Near-equipartition: with a sharp prior (λ) the labels spread over the clusters.
        let logits = GradientCheck.random([600, 6], seed: 5) * 2
        let l = try SelfLabelLosses.labels(logits: logits, lambda: 10)
        XCTAssertEqual(l.iterations % 10, 1, "the error is checked on updates 1, 11, 21, ...")
        XCTAssertLessThanOrEqual(l.error, 0.1)
        var counts = [Int](repeating: 0, count: 6)
        for y in l.labels { counts[Int(y)] += 1 }
        XCTAssertTrue(counts.allSatisfy { abs($0 - 100) <= 20 }, "\(counts)")
        // A cluster no sample can reach (P^λ underflows to 0 everywhere) is an error naming λ.
        var dead = logits.scalars
        for i in 0..<600 { dead[i * 6 + 2] = -100 }
        XCTAssertThrowsError(try SelfLabelLosses.labels(logits: Tensor(shape: [600, 6], scalars: dead), lambda: 25)) { e in
            guard case .nonFinite(let solver, "lambda", 25, let detail)? = e as? SinkhornError else { return XCTFail("\(e)") }
            XCTAssertEqual(solver, "SeLa's Sinkhorn-Knopp")
            XCTAssertTrue(detail.contains("cluster 2"), detail)
            XCTAssertTrue("\(e)".contains("lambda = 25"), "\(e)")
        }
        let out = try LossRegistry.evaluate(name: "sela", inputs: SafeTensors(tensors: ["logits": logits]), parameters: ["lambda": "10"])
        XCTAssertEqual(out.integers["labels"]?.scalars, l.labels.map(Int64.init))
        XCTAssertEqual(out.tensors["loss"]?.scalars, [0])
        XCTAssertEqual(out.tensors["grad.logits"]?.scalars.allSatisfy { $0 == 0 }, true)
    }
}
