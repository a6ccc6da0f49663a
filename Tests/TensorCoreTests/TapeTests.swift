import TensorCore
import TestSupport
import XCTest

/// Autodiff tape semantics: accumulation, no-grad scopes, detach, input gradients, freeing.
final class TapeTests: XCTestCase {
    func testGradientAccumulatesWhenUsedTwice() {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3]))
        let y = (x * x + x * 3).sum()  // dy/dx = 2x + 3
        XCTAssertEqual(tape.gradients(of: y, wrt: [x])[0].scalars, [5, 7, 9])
    }

    func testNoGradScopeAndDetach() {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let n = tape.nodeCount
        let z = tape.withoutRecording { x * 5 }
        XCTAssertEqual(tape.nodeCount, n)
        XCTAssertFalse(z.isTraced)
        let y = (x * x.detached).sum() + (x.stopGradient() * 100).sum()
        XCTAssertEqual(tape.gradients(of: y, wrt: [x])[0].scalars, [1, 2])
    }

    func testUntracedOpsRecordNothing() {
        let a = Tensor([1, 2])
        let b = Tensor([3, 4])
        let c = (a * b).exp().sum()
        XCTAssertFalse(c.isTraced)
        XCTAssertNil(c.traceID)
    }

    func testUnusedInputGetsZeroGradient() {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let w = tape.watch(Tensor([5]))
        let g = tape.gradients(of: x.sum(), wrt: [x, w])
        XCTAssertEqual(g[1].scalars, [0])
    }

    func testSavedTensorsFreedDuringBackward() {
        XCTAssertTrue(
            expOutputIsFreed { tape, x, loss in _ = tape.gradients(of: loss, wrt: [x]) },
            "the exp output saved by its pullback should be freed after backward")
    }

    /// Whether the output of `exp` on a watched tensor, saved by its pullback, is freed once `sweep`
    /// has run on `sum(exp(x))` and the tensors of the scope are gone.
    func expOutputIsFreed(by sweep: (Tape, Tensor, Tensor) -> Void) -> Bool {
        weak var probe: AnyObject?
        let tape = Tape()
        let x = tape.watch(GradientCheck.random([64], seed: 3))
        do {
            let y = x.exp()
            probe = Mirror(reflecting: y).children.first { $0.label == "storage" }?.value as AnyObject
            XCTAssertNotNil(probe)
            sweep(tape, x, y.sum())
        }
        return probe == nil
    }
}

extension TapeTests {
    /// Per-loss gradients from one tape equal those of separate tapes (DOT's task/KD split).
    func testGradientsOfEachLossMatchSeparateTapes() {
        let x0 = GradientCheck.random([3, 4], seed: 1)
        let w0 = GradientCheck.random([4, 2], seed: 2)
        func losses(_ tape: Tape) -> (x: Tensor, w: Tensor, a: Tensor, b: Tensor) {
            let x = tape.watch(x0)
            let w = tape.watch(w0)
            let h = x.matmul(w)
            return (x, w, (h * h).sum(), h.relu().mean() + x.sum())
        }
        let tape = Tape()
        let l = losses(tape)
        let both = tape.gradients(ofEach: [l.a, l.b], wrt: [l.x, l.w])
        for i in 0..<2 {
            let t = Tape()
            let s = losses(t)
            let alone = t.gradients(of: i == 0 ? s.a : s.b, wrt: [s.x, s.w])
            XCTAssertEqual(both[i][0].scalars, alone[0].scalars)
            XCTAssertEqual(both[i][1].scalars, alone[1].scalars)
        }
        XCTAssertGreaterThan(both[1][0].abs().sum().scalar, 0)
    }
}

extension TapeTests {
    /// A loss swept ahead (`backpropagateAhead`) and then added to the total with a weight gives
    /// the gradients of one sweep, also per gradient group (a group without it gets none of it),
    /// and its graph's saved tensors are freed at once.
    func testBackpropagateAheadMatchesOneSweep() {
        let x0 = GradientCheck.random([3, 4], seed: 1)
        let w0 = GradientCheck.random([4, 2], seed: 2)
        func losses(_ tape: Tape, ahead: Bool) -> (x: Tensor, w: Tensor, a: Tensor, b: Tensor) {
            let x = tape.watch(x0)
            let w = tape.watch(w0)
            let a = (x.matmul(w).tanh() * 2).sum()
            if ahead { a.backpropagateAhead() }
            return (x, w, a, (x * x).sum() + w.sum())
        }
        let plain = Tape()
        let early = Tape()
        let p = losses(plain, ahead: false)
        let e = losses(early, ahead: true)
        let nodes = early.nodeCount
        let g1 = plain.gradients(ofEach: [p.a * 3 + p.b, p.b], wrt: [p.x, p.w])
        let g2 = early.gradients(ofEach: [e.a * 3 + e.b, e.b], wrt: [e.x, e.w])
        XCTAssertEqual(early.nodeCount, nodes + 2)
        for group in 0..<2 {
            for i in 0..<2 { assertClose(g2[group][i], g1[group][i], atol: 1e-6, rtol: 1e-6, "group \(group), input \(i)") }
        }
        XCTAssertGreaterThan((g2[0][1] - g2[1][1]).abs().sum().scalar, 0, "the ahead loss reaches w in the first group only")
    }

    func testBackpropagateAheadFreesSavedTensorsAndIsANoOpUntraced() {
        XCTAssertTrue(
            expOutputIsFreed { _, _, loss in loss.backpropagateAhead() },
            "the exp output saved by its pullback is freed by the ahead sweep")
        let untraced = Tensor([1, 2]).sum()
        untraced.backpropagateAhead()
        XCTAssertEqual(untraced.scalar, 3)
    }
}

extension TapeTests {
    /// `Tensor.recomputed` records one op whose pullback reruns the body: the gradients of a
    /// recomputed chain equal those of the chain recorded op by op, and nothing inside is recorded.
    func testRecomputedChainMatchesTheRecordedOne() {
        let x0 = GradientCheck.random([3, 4], seed: 1)
        let w0 = GradientCheck.random([4, 2], seed: 2)
        func chain(_ x: Tensor, _ w: Tensor) -> Tensor { x.matmul(w).tanh().exp() }
        let plain = Tape()
        let lean = Tape()
        let (x1, w1) = (plain.watch(x0), plain.watch(w0))
        let (x2, w2) = (lean.watch(x0), lean.watch(w0))
        let g1 = plain.gradients(of: (chain(x1, w1) * 3).sum(), wrt: [x1, w1])
        let before = lean.nodeCount
        let y = Tensor.recomputed([x2, w2], forward: { chain(x2, w2) }, recompute: { ins in chain(ins[0], ins[1]) })
        XCTAssertEqual(lean.nodeCount, before + 1, "one op for the whole chain")
        XCTAssertEqual(y.scalars, chain(x0, w0).scalars)
        let g2 = lean.gradients(of: (y * 3).sum(), wrt: [x2, w2])
        for i in 0..<2 { assertClose(g2[i], g1[i], atol: 1e-6, rtol: 1e-6, "input \(i)") }
    }
}
