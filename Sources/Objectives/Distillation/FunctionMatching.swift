import Backbones
import NN
import TensorCore

/// "Knowledge distillation: a good teacher is patient and consistent" (Beyer et al., CVPR 2022;
/// big_vision `trainers/proj/distill/distill.py`): the student matches the frozen teachers with
/// KL(p_t ‖ p_s) at T = 1 (big_vision `dist(kind='kl', t=1)`, batch mean; no labels), and the one
/// setting the paper compares decides which view the teachers see:
/// - `fixed`: the teachers see view 1 (a centre crop in the recipe), the student view 0;
/// - `independent`: each its own random crop (views 0 and 1);
/// - `consistent`: the same crop (view 0 for both);
/// - `functionMatching`: the same crop mixed within the batch (`data.mix`, mixup or cutmix, applied by
///   the loader before either network), view 0 for both.
/// Each teacher renormalises the view it receives to its own statistics (`TeacherEnsemble`), so in the
/// consistent settings both networks receive bit-identical pixels (`views(_:)`).
public struct FunctionMatching<Model: Backbone>: Objective, Distilling {
    /// The frozen teachers.
    public var teachers: TeacherEnsemble
    /// Which view the teachers see.
    public var setting: TeacherViewSetting

    /// Patient and consistent distillation from `teachers` in `setting`.
    public init(teachers: TeacherEnsemble, setting: TeacherViewSetting) {
        self.teachers = teachers
        self.setting = setting
    }

    /// `fixed` and `independent` need a second view for the teachers.
    public var viewCount: Int { setting == .fixed || setting == .independent ? 2 : 1 }

    /// The teachers see view 1 in the `fixed` and `independent` settings, else the student's view 0.
    public var teacherViewIndex: Int { setting == .fixed || setting == .independent ? 1 : 0 }

    /// The student's view and the teachers' view (before each teacher's own renormalisation): the very
    /// same tensor in the consistent settings.
    public func views(_ batch: TrainingBatch) -> (student: Tensor, teacher: Tensor) {
        switch setting {
        case .fixed, .independent: return (batch.views[0], batch.views[1])
        case .consistent, .functionMatching: return (batch.views[0], batch.views[0])
        }
    }

    /// `kl` (T = 1). Metrics `agreement`, and with labels `accuracy`, `teacher_accuracy`.
    public mutating func losses(
        model: inout Model, batch: TrainingBatch, progress: TrainingProgress,
        context: inout Context
    ) throws -> ObjectiveOutput {
        try batch.views(viewCount, for: "function_matching")
        let (studentView, teacherView) = views(batch)
        let f = try DistillationForward(
            model: &model, studentView: studentView, teachers: &teachers, teacherView: teacherView,
            cached: batch.teacherOutputs, objective: "function_matching", context: &context)
        // No accuracy against the unmixed labels of a mixed batch.
        return ObjectiveOutput(
            terms: [LossTerm("kl", KDLosses.hinton(student: f.student, teacher: f.target, temperature: 1))],
            metrics: f.metrics(labels: batch.mix == nil ? batch.labels : nil), features: f.features)
    }
}

/// What the teachers of `FunctionMatching` see (Beyer et al. 2022, the settings of their figure 3).
public enum TeacherViewSetting: String, Sendable, CaseIterable {
    /// A fixed view (view 1: the centre crop), the student its own random crop (view 0).
    case fixed
    /// Each network its own random crop (views 0 and 1).
    case independent
    /// The same random crop (view 0).
    case consistent
    /// The same random crop mixed within the batch (`data.mix`) for both (view 0).
    case functionMatching = "function_matching"
}
