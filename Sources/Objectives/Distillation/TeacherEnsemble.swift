import Backbones
import NN
import Support
import TensorCore

/// The frozen teachers of a distillation objective (one, or an ensemble), each run in inference mode
/// without a tape on the batch's shared view, renormalised from the run's normalisation to its own.
///
/// A view arrives as `x_run = (x − m_run) / s_run` per channel; teacher `i` sees
/// `x_i = (x − m_i) / s_i = x_run · (s_run / s_i) + (m_run − m_i) / s_i`, the same pixels `x` under its
/// own statistics (nothing is done when they equal the run's). Several teachers form an ensemble as
/// MEAL V2's and ml-dr's wrappers do: the target is the mean of their softmaxes at T = 1
/// (`KDLosses.averagedSoftmax`), given to temperature-based losses as the logits `log p̄`
/// (`targetLogits`; for one teacher, its own logits); the mean raw logits are kept for MEAL V2's
/// discriminator (`meanLogits`).
public struct TeacherEnsemble: @unchecked Sendable {
    /// One teacher and the per-channel affine map `x · scale + shift` from the run's normalisation to its own
    /// (nil: the same normalisation).
    public struct Member {
        /// The frozen network (with a classifier).
        public var model: any Backbone
        /// Per-channel scale `s_run / s_i` `[C]`, or nil.
        public var scale: [Float]?
        /// Per-channel shift `(m_run − m_i) / s_i` `[C]`, or nil.
        public var shift: [Float]?

        /// A member whose input needs no renormalisation when `scale`/`shift` are nil.
        public init(model: any Backbone, scale: [Float]? = nil, shift: [Float]? = nil) {
            var m = model
            m.freeze()
            self.model = m
            self.scale = scale
            self.shift = shift
        }

        /// The member that sees `x` under `own` statistics when the run normalises with `run`
        /// (mean and std per channel; nil means none: mean 0, std 1).
        public init(model: any Backbone, run: (mean: [Float], std: [Float])?, own: (mean: [Float], std: [Float])?) {
            let channels = own?.mean.count ?? run?.mean.count ?? 0
            let identity: (mean: [Float], std: [Float]) = ([Float](repeating: 0, count: channels), [Float](repeating: 1, count: channels))
            let r = run ?? identity
            let o = own ?? identity
            if r.mean == o.mean && r.std == o.std || channels == 0 {
                self.init(model: model)
            } else {
                require(r.mean.count == o.mean.count, "TeacherEnsemble: \(r.mean.count) run channels vs \(o.mean.count) teacher channels")
                self.init(
                    model: model, scale: (0..<channels).map { r.std[$0] / o.std[$0] },
                    shift: (0..<channels).map { (r.mean[$0] - o.mean[$0]) / o.std[$0] })
            }
        }

        /// The view `[N, C, H, W]` as this teacher expects it.
        public func input(_ x: Tensor) -> Tensor {
            guard let scale, let shift else { return x }
            let c = scale.count
            require(x.rank == 4 && x.shape[1] == c, "TeacherEnsemble: view \(x.shape) vs \(c) normalisation channels")
            return x * Tensor(shape: [1, c, 1, 1], scalars: scale) + Tensor(shape: [1, c, 1, 1], scalars: shift)
        }
    }

    /// The teachers, in recipe order.
    public var members: [Member]

    /// An ensemble of `members`; none when the objective reads its teachers' outputs from a cache
    /// (`TrainingBatch.teacherOutputs`).
    public init(_ members: [Member]) {
        self.members = members
    }

    /// One teacher seeing the run's normalisation.
    public init(teacher: any Backbone) { self.init([Member(model: teacher)]) }

    /// The number of teachers.
    public var count: Int { members.count }

    /// Each teacher's logits `[N, K]` for the view `x` (detached; inference mode, no statistics updated).
    public mutating func logits(_ x: Tensor, rng: Philox) -> [Tensor] {
        var out: [Tensor] = []
        for i in members.indices {
            var context = Context(training: false, rng: rng)
            let input = members[i].input(x.detached)
            out.append(members[i].model.forward(input, context: &context).detached)
        }
        return out
    }

    /// The target as logits: one teacher's own logits, or log p̄ with p̄ the mean softmax of several.
    public static func targetLogits(_ logits: [Tensor]) -> Tensor {
        logits.count == 1 ? logits[0] : KDLosses.averagedSoftmax(logits).log()
    }

    /// The mean of the teachers' raw logits `[N, K]` (MEAL V2's discriminator input).
    public static func meanLogits(_ logits: [Tensor]) -> Tensor {
        logits.dropFirst().reduce(logits[0], +) / Float(logits.count)
    }
}
