/// What an objective can find wrong with the batches it is given (a recipe or store a user can fix).
public enum ObjectiveError: Error, Equatable, CustomStringConvertible {
    /// The objective needs labels and the batch has none.
    case missingLabels(objective: String)
    /// The objective needs more views per sample than the batch has.
    case tooFewViews(objective: String, needed: Int, got: Int)
    /// The objective needs captions and the store has no text field.
    case missingText(objective: String)
    /// Two tensors that must agree do not (student and teacher logits, say).
    case shapeMismatch(objective: String, message: String)
    /// A distillation objective without live teachers got a batch without cached teacher outputs.
    case missingTeacherOutputs(objective: String)
    /// The objective cannot train from a teacher-logit cache (what it needs beyond the cached target).
    case cacheUnsupported(objective: String, reason: String)

    /// One line naming the objective and what to change.
    public var description: String {
        switch self {
        case .missingLabels(let o): return "objective '\(o)' needs labels but the batch has none (use a labelled store)"
        case .tooFewViews(let o, let n, let g): return "objective '\(o)' needs \(n) views per sample, data.views makes \(g)"
        case .missingText(let o): return "objective '\(o)' needs captions but the store has no text field"
        case .shapeMismatch(let o, let m): return "objective '\(o)': \(m)"
        case .missingTeacherOutputs(let o):
            return "objective '\(o)' has no live teachers and the batch carries no cached teacher outputs (teacher_cache)"
        case .cacheUnsupported(let o, let r): return "objective '\(o)' cannot train from a teacher cache: \(r)"
        }
    }
}
