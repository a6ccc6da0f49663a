import Objectives
import TensorCore
import TestSupport
import XCTest

/// Properties and finite-difference checks of the distillation losses (their values against the
/// references are the `dkd`, `dml` and `meal_v2` cases of `LossRegistryTests`).
final class KDLossesTests: XCTestCase {
    private let labels = IntTensor(shape: [4], scalars: [0, 3, 4, 1])

    func testGradientsByFiniteDifferences() {
        let s = GradientCheck.random([4, 5], seed: 11)
        let t = GradientCheck.random([4, 5], seed: 12) * 3
        let t2 = GradientCheck.random([4, 5], seed: 13) * 2
        let labels = self.labels
        assertGradients([s], "DKD tckd") { KDLosses.dkd(student: $0[0], teacher: t, labels: labels, temperature: 2).tckd }
        assertGradients([s], "DKD nckd") { KDLosses.dkd(student: $0[0], teacher: t, labels: labels, temperature: 2).nckd }
        assertGradients([s], "DKD at T = 1") {
            let d = KDLosses.dkd(student: $0[0], teacher: t, labels: labels, temperature: 1)
            return d.tckd + d.nckd * 8
        }
        assertGradients([s], "DML") { KDLosses.dml(student: $0[0], teacher: t) }
        assertGradients([s], "MEAL V2 soft CE") { KDLosses.mealV2(student: $0[0], teachers: [t, t2]) }
        let d1 = GradientCheck.random([3, 2], seed: 14) * 3
        let d2 = GradientCheck.random([3, 2], seed: 15) * 3
        assertGradients([d1, d2], "MEAL V2 discriminator BCE") { KDLosses.mealV2Discriminator(student: $0[0], teacher: $0[1]) }
    }

    /// Per sample, Hinton KD = TCKD + (1 − p_t,g)·NCKD (Zhao et al. 2022, eq. 4): DKD with α = 1 and
    /// β = 1 − p_t,g is vanilla KD.
    func testDKDDecomposesHintonKD() {
        let s = TestTensors.randn([1, 6], seed: 3) * 2
        let t = TestTensors.randn([1, 6], seed: 4) * 2
        for temperature: Float in [1, 4] {
            for g: Int32 in [0, 5] {
                let y = IntTensor(shape: [1], scalars: [g])
                let d = KDLosses.dkd(student: s, teacher: t, labels: y, temperature: temperature)
                let pg = (t / temperature).softmax(alongAxis: 1).scalars[Int(g)]
                let kd = KDLosses.hinton(student: s, teacher: t, temperature: temperature).scalar
                XCTAssertEqual(d.tckd.scalar + (1 - pg) * d.nckd.scalar, kd, accuracy: 1e-5 * max(1, abs(kd)), "T = \(temperature), g = \(g)")
            }
        }
    }

    /// DML is symmetric in its two arguments (as a value), and zero for identical logits.
    func testDMLIsSymmetric() {
        let a = TestTensors.randn([3, 7], seed: 5)
        let b = TestTensors.randn([3, 7], seed: 6) * 2
        XCTAssertEqual(KDLosses.dml(student: a, teacher: b).scalar, KDLosses.dml(student: b, teacher: a).scalar, accuracy: 1e-6)
        XCTAssertEqual(KDLosses.dml(student: a, teacher: a).scalar, 0, accuracy: 1e-6)
    }

    /// The soft CE equals KL(p̄ ‖ p_s) + H(p̄), and with one teacher the target is its softmax.
    func testMEALV2IsKLPlusEntropy() {
        let s = TestTensors.randn([3, 5], seed: 7)
        let t1 = TestTensors.randn([3, 5], seed: 8)
        let t2 = TestTensors.randn([3, 5], seed: 9)
        let target = KDLosses.averagedSoftmax([t1, t2])
        let manual = (t1.softmax(alongAxis: 1) + t2.softmax(alongAxis: 1)) * 0.5
        assertClose(target, manual, atol: 1e-7, rtol: 1e-6, "mean of the softmaxes")
        let kl = Tensor.klDivergence(logProbabilities: s.logSoftmax(alongAxis: 1), targetProbabilities: target).scalar
        let entropy = -(target * target.log()).sum().scalar / 3
        XCTAssertEqual(KDLosses.mealV2(student: s, teachers: [t1, t2]).scalar, kl + entropy, accuracy: 1e-5)
    }
}
