import Foundation
import NN
import Recipes
import TestSupport
import XCTest

/// DOT in a run: the KD recipe with `optimizer: {name: dot}` trains from the task and distillation
/// gradient groups, checkpoints both momentum buffers and resumes bit-exactly.
extension TrainerTests {
    private func teacherCheckpoint() throws -> String {
        let (_, teacherRun) = try run(Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml"), name: "dot-teacher")
        return teacherRun.checkpoint(named: "best").path
    }

    func testDOTRecipeResumesBitExactlyWithBothBuffers() throws {
        let file = Self.recipesFolder.appendingPathComponent("kd/dot-resnet18-fmnist.yaml")
        let extra = ["objective.kd.teachers.0.checkpoint=\(try teacherCheckpoint())", "train.checkpoint_every=2", "train.log_every=1"]
        let (_, straight) = try run(file, extra: extra, name: "dot-straight", steps: 4)
        _ = try run(file, extra: extra, name: "dot-killed", steps: 4, stopAfter: 3)
        let (resumed, killed) = try run(file, extra: extra, name: "dot-killed", steps: 4, resume: true)
        XCTAssertEqual(resumed.steps, 4)
        for part in ["last", "last.optimizer"] {
            let a = try SafeTensors.read(from: straight.checkpoint(named: part))
            let b = try SafeTensors.read(from: killed.checkpoint(named: part))
            XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys), part)
            for (k, t) in a.tensors { XCTAssertEqual(t.scalars, b.tensors[k]?.scalars, "\(part): \(k) differs after resume") }
        }
        let state = try SafeTensors.read(from: straight.checkpoint(named: "last.optimizer"))
        XCTAssertEqual(state.metadata["optimizer"], "dot")
        XCTAssertTrue(state.tensors.keys.contains("fc.weight.momentum_buffer"))
        XCTAssertTrue(state.tensors.keys.contains("fc.weight.momentum_kd_buffer"))
    }

    /// With Δ = 0, DOT over the kd objective's two groups is momentum SGD on the summed loss: the
    /// groups reach the optimizer and together hold the whole gradient.
    func testDOTWithZeroDeltaFollowsSGD() throws {
        let file = Self.recipesFolder.appendingPathComponent("kd/dot-resnet18-fmnist.yaml")
        let extra = ["objective.kd.teachers.0.checkpoint=\(try teacherCheckpoint())", "optimizer.delta=0", "optimizer.weight_decay=0"]
        let (_, dot) = try run(file, extra: extra, name: "dot-zero", steps: 2)
        let (_, sgd) = try run(file, extra: extra + ["optimizer.name=sgd", "optimizer.nesterov=false"], name: "dot-sgd", steps: 2)
        let a = try SafeTensors.read(from: dot.checkpoint(named: "last"))
        let b = try SafeTensors.read(from: sgd.checkpoint(named: "last"))
        XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys))
        // Compare the updates (from the run's initial weights) after two steps, the second using the momentum
        // of the first: Float32 sums in another order (two sweeps vs one) leave them ~3e-4 relative apart, while
        // dropping or mis-weighting either group changes the update by tens of percent. (From the third step on
        // the tiny batch-normalised net amplifies rounding: 1-7 % apart with OpenBLAS's AVX-512 kernels.)
        let recipe = try trainer(file, extra: extra, name: "dot-init").recipe
        let initial = try recipe.trainedModel.makeInitialBackbone(seed: recipe.train.seed).stateDict
        for (k, t) in a.tensors where !k.hasSuffix("running_mean") && !k.hasSuffix("running_var") {
            guard let start = initial[k]?.scalars, let other = b.tensors[k]?.scalars, other.count == t.scalars.count else { return XCTFail(k) }
            let du = zip(t.scalars, start).map { $0 - $1 }
            let dv = zip(other, start).map { $0 - $1 }
            let norm = dv.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let gap = zip(du, dv).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            XCTAssertLessThanOrEqual(gap, 1e-2 * norm, "\(k): updates differ by \(gap) (update norm \(norm))")
        }
        let (_, moved) = try run(file, extra: extra + ["optimizer.delta=0.075"], name: "dot-delta", steps: 2)
        let c = try SafeTensors.read(from: moved.checkpoint(named: "last"))
        XCTAssertNotEqual(c.tensors["fc.weight"]?.scalars, a.tensors["fc.weight"]?.scalars, "delta changes the trajectory")
    }

    func testDOTNeedsTaskAndKDGroups() throws {
        let file = Self.recipesFolder.appendingPathComponent("supervised/resnet18-fmnist.yaml")
        XCTAssertThrowsError(try run(file, extra: ["optimizer.name=dot"], name: "dot-supervised")) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.contains("optimizer.name: dot") && text.contains("'task'") && text.contains("supervised"), text)
        }
        XCTAssertThrowsError(
            try RecipeLoader().load(
                contentsOf: Self.recipesFolder.appendingPathComponent("kd/dot-resnet18-fmnist.yaml"),
                overrides: ["optimizer.delta=0.95"])
        ) { e in
            XCTAssertTrue(String(describing: e).contains("optimizer.delta"), "\(e)")
        }
    }
}
