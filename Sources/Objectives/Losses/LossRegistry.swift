import Foundation
import NN
import TensorCore

/// The losses `retort loss` can run: one literal row per loss, each calling the very function
/// that training uses. Adding a loss is adding a row (and its reference fixtures in
/// `Tests/Fixtures/make_loss_fixtures.py`).
public enum LossRegistry {
    /// The loss table, in the order `retort loss list` prints it.
    public static let entries: [LossEntry] = [
        LossEntry(
            name: "byol",
            definition: "ℓ(p1, sg z2) + ℓ(p2, sg z1), ℓ = mean_n (2 − 2 cos) (deepmind byol regression_loss; solo-learn byol_loss_func)",
            inputs: [LossInput("p1", ["N", "D"]), LossInput("p2", ["N", "D"]), LossInput("z1", ["N", "D"]), LossInput("z2", ["N", "D"])]
        ) { a in
            LossValue(loss: SSLLosses.byolSymmetric(predictions: (a.tensor("p1"), a.tensor("p2")), targets: (a.tensor("z1"), a.tensor("z2"))))
        },
        LossEntry(
            name: "simsiam",
            definition: "−½ (mean_n cos(p1, sg z2) + mean_n cos(p2, sg z1)) (facebookresearch/simsiam main_simsiam.py)",
            inputs: [LossInput("p1", ["N", "D"]), LossInput("p2", ["N", "D"]), LossInput("z1", ["N", "D"]), LossInput("z2", ["N", "D"])]
        ) { a in
            LossValue(loss: SSLLosses.simsiam(predictions: (a.tensor("p1"), a.tensor("p2")), targets: (a.tensor("z1"), a.tensor("z2"))))
        },
        LossEntry(
            name: "simclr",
            definition: "NT-Xent over the 2N anchors: positive = the other view, denominator = all 2N − 1 others (solo-learn simclr_loss_func)",
            inputs: [LossInput("z1", ["N", "D"]), LossInput("z2", ["N", "D"])],
            parameters: [LossParameter("temperature", .positiveFloat, default: "0.1")]
        ) { a in
            LossValue(loss: ContrastiveLosses.ntXent(a.tensor("z1"), a.tensor("z2"), temperature: a.float("temperature")))
        },
        LossEntry(
            name: "sinkhorn",
            definition:
                "SwAV codes: distributed_sinkhorn on one process, Float32, no max-subtraction (facebookresearch/swav main_swav.py); no gradient, loss = 0",
            inputs: [LossInput("scores", ["N", "K"])],
            parameters: [LossParameter("epsilon", .positiveFloat, default: "0.05"), LossParameter("iterations", .positiveInteger, default: "3")],
            extraOutputs: [LossOutput("assignments", ["N", "K"])]
        ) { a in
            try LossRegistry.finite(a, "sinkhorn", "scores")
            let q = try LossRegistry.sinkhornErrors("sinkhorn") {
                try SwAVLosses.sinkhorn(a.tensor("scores"), epsilon: a.float("epsilon"), iterations: a.integer("iterations"))
            }
            return LossValue(loss: Tensor(0), extras: ["assignments": q])
        },
        LossEntry(
            name: "swav",
            definition: "swapped prediction (main_swav.py): codes of each assigned view by Sinkhorn over [queue; view] (last N rows), "
                + "−mean_n Σ_k q log softmax(scores_v / T) over the other views / (V − 1), averaged over assigned views",
            inputs: [LossInput("scores", ["V·N", "K"]), LossInput("queue", ["A", "L", "K"], optional: true)],
            parameters: [
                LossParameter("views", .positiveInteger, default: nil), LossParameter("assign", .indexList, default: "0,1"),
                LossParameter("temperature", .positiveFloat, default: "0.1"), LossParameter("epsilon", .positiveFloat, default: "0.05"),
                LossParameter("iterations", .positiveInteger, default: "3"),
            ]
        ) { a in
            let views = a.integer("views")
            let assign = a.integers("assign")
            let scores = a.tensor("scores")
            let rows = scores.shape[0]
            guard views >= 2 else {
                throw LossError.invalidParameter(
                    loss: "swav", parameter: "views", value: "\(views)", expected: "integer >= 2 (each code predicts the other views)")
            }
            guard rows % views == 0 else {
                throw LossError.wrongShape(
                    loss: "swav", input: "scores", expected: ["V·N", "K"], found: scores.shape.dims,
                    reason: "\(rows) rows are not \(views) views (views=\(views)) of N samples each")
            }
            if let bad = assign.first(where: { $0 >= views }) {
                throw LossError.invalidParameter(
                    loss: "swav", parameter: "assign", value: assign.map(String.init).joined(separator: ","),
                    expected: "list of view indices below views = \(views) (\(bad) is not)")
            }
            let queue = a.optionalTensor("queue")
            if let queue, queue.shape[0] != assign.count {
                throw LossError.wrongShape(
                    loss: "swav", input: "queue", expected: ["A", "L", "K"], found: queue.shape.dims,
                    reason: "A = \(queue.shape[0]) blocks but assign lists \(assign.count) views")
            }
            try LossRegistry.finite(a, "swav", "scores")
            try LossRegistry.finite(a, "swav", "queue")
            let result = try LossRegistry.sinkhornErrors("swav") {
                try SwAVLosses.swappedPrediction(
                    scores: scores, views: views, assign: assign, temperature: a.float("temperature"),
                    epsilon: a.float("epsilon"), iterations: a.integer("iterations"), queue: queue)
            }
            return LossValue(loss: result.loss)
        },
        LossEntry(
            name: "sela",
            definition: "SeLa pseudo-labels: yukimasano/self-label optimize_L_sk in float64 (P = softmax, P^λ, scaling until Σ|c/c' − 1| ≤ 0.1 "
                + "checked on updates 1, 11, 21, ...), argmax per sample; no gradient, loss = 0",
            inputs: [LossInput("logits", ["N", "K"])],
            parameters: [LossParameter("lambda", .positiveFloat, default: "25")],
            extraOutputs: [LossOutput("labels", ["N"], .i64)]
        ) { a in
            try LossRegistry.finite(a, "sela", "logits")
            let labelling = try LossRegistry.sinkhornErrors("sela") {
                try SelfLabelLosses.labels(logits: a.tensor("logits"), lambda: Double(a.float("lambda")))
            }
            let labels = Int64Tensor(shape: [labelling.labels.count], scalars: labelling.labels.map { Int64($0) })
            return LossValue(loss: Tensor(0), integerExtras: ["labels": labels])
        },
        LossEntry(
            name: "clip",
            definition:
                "½ (CE(s · Î T̂ᵀ, arange) + CE(s · T̂ Îᵀ, arange)), s = exp(log_scale) (open_clip ClipLoss on logits from openai/CLIP model.py)",
            inputs: [LossInput("image", ["N", "D"]), LossInput("text", ["N", "D"]), LossInput("log_scale", [])]
        ) { a in
            try LossRegistry.finite(a, "clip", "log_scale")
            return LossValue(loss: CLIPLosses.symmetric(image: a.tensor("image"), text: a.tensor("text"), logScale: a.tensor("log_scale")))
        },
        LossEntry(
            name: "ppm",
            definition: "PixPro featprop with the identity value transform, before the final normalisation: y_i = Σ_j max(cos(x_i, x_j), 0)^γ · x̂_j "
                + "(+1e-6 on the attention when γ < 1; zdaxie/PixPro PixPro.py); loss = Σ propagated · features",
            inputs: [LossInput("features", ["N", "C", "H", "W"])],
            parameters: [LossParameter("gamma", .positiveFloat, default: "2")],
            extraOutputs: [LossOutput("propagated", ["N", "C", "H", "W"])]
        ) { a in
            try LossRegistry.finite(a, "ppm", "features")
            let x = a.tensor("features")
            let y = PixProLosses.propagate(features: x, values: x, gamma: a.float("gamma"))
            return LossValue(loss: (y * x).sum(), extras: ["propagated": y])
        },
        LossEntry(
            name: "pixpro",
            definition:
                "L(ŷ1, sg x̂2, box1, box2) + L(ŷ2, sg x̂1, box2, box1), L = PixPro regression_loss: −2 mean_n Σ A_ij ⟨q_i, k_j⟩ / (Σ A_ij + 1e-6), "
                + "A_ij = 1[bin-centre distance / larger bin diagonal < threshold]; box (x0, y0, x1, y1) normalised by (W − 1, H − 1), flipped: x0 > x1",
            inputs: [
                LossInput("y1", ["N", "C", "H", "W"]), LossInput("y2", ["N", "C", "H", "W"]), LossInput("x1", ["N", "C", "H", "W"]),
                LossInput("x2", ["N", "C", "H", "W"]), LossInput("box1", ["N", "4"]), LossInput("box2", ["N", "4"]),
            ],
            parameters: [LossParameter("threshold", .positiveFloat, default: "0.7")]
        ) { a in
            for name in ["y1", "y2", "x1", "x2", "box1", "box2"] { try LossRegistry.finite(a, "pixpro", name) }
            return LossValue(
                loss: PixProLosses.consistency(
                    predictions: (a.tensor("y1"), a.tensor("y2")), keys: (a.tensor("x1"), a.tensor("x2")),
                    boxes: (a.tensor("box1"), a.tensor("box2")), threshold: a.float("threshold")))
        },
        LossEntry(
            name: "kd",
            definition: "T² · KL(softmax(sg t/T) ‖ softmax(s/T)), batch mean (mdistiller kd_loss)",
            inputs: [LossInput("student", ["N", "K"]), LossInput("teacher", ["N", "K"])],
            parameters: [LossParameter("temperature", .positiveFloat, default: "4")]
        ) { a in
            LossValue(loss: KDLosses.hinton(student: a.tensor("student"), teacher: a.tensor("teacher"), temperature: a.float("temperature")))
        },
        LossEntry(
            name: "dkd",
            definition: "T² · (α·KL(b_t ‖ b_s) + β·KL(p̂_t ‖ p̂_s)), b = [p_g, 1 − p_g], p̂ = softmax over non-targets, "
                + "batch mean, teacher detached, no warm-up factor (mdistiller dkd_loss)",
            inputs: [LossInput("student", ["N", "K"]), LossInput("teacher", ["N", "K"]), LossInput("labels", ["N"], .i64)],
            parameters: [
                LossParameter("alpha", .float, default: "1"), LossParameter("beta", .float, default: "8"),
                LossParameter("temperature", .positiveFloat, default: "4"),
            ]
        ) { a in
            let labels = a.labels("labels")
            let k = a.sizes["K"]!
            if let bad = labels.scalars.first(where: { $0 < 0 || Int($0) >= k }) {
                throw LossError.invalidInput(loss: "dkd", input: "labels", message: "label \(bad) is outside 0..<\(k) (K = \(k) classes)")
            }
            let terms = KDLosses.dkd(student: a.tensor("student"), teacher: a.tensor("teacher"), labels: labels, temperature: a.float("temperature"))
            return LossValue(loss: terms.tckd * a.float("alpha") + terms.nckd * a.float("beta"))
        },
        LossEntry(
            name: "dml",
            definition: "SSLD: mean_n ½ (KL(t ‖ s) + KL(s ‖ t)) of the softmaxes at T = 1, teacher detached (PaddleClas DMLLoss)",
            inputs: [LossInput("student", ["N", "K"]), LossInput("teacher", ["N", "K"])]
        ) { a in
            LossValue(loss: KDLosses.dml(student: a.tensor("student"), teacher: a.tensor("teacher")))
        },
        LossEntry(
            name: "meal_v2",
            definition: "−mean_n Σ_k p̄_k log softmax(s)_k, p̄ = mean_m softmax(sg t_m) (MEAL-V2 KLLoss with the teacher_wrapper ensemble)",
            inputs: [LossInput("student", ["N", "K"]), LossInput("teachers", ["M", "N", "K"])]
        ) { a in
            let teachers = a.tensor("teachers")
            let each = (0..<teachers.shape[0]).map {
                teachers.slice(alongAxis: 0, $0..<($0 + 1)).reshaped(to: [teachers.shape[1], teachers.shape[2]])
            }
            return LossValue(loss: KDLosses.mealV2(student: a.tensor("student"), teachers: each))
        },
        LossEntry(
            name: "meal_v2_discriminator",
            definition: "BCEWithLogits of the discriminator's outputs [student; teacher] against [1, 0] (student rows) and [0, 1] "
                + "(teacher rows), mean over all entries (MEAL-V2 loss.py discriminatorLoss)",
            inputs: [LossInput("student", ["N", "2"]), LossInput("teacher", ["N", "2"])]
        ) { a in
            LossValue(loss: KDLosses.mealV2Discriminator(student: a.tensor("student"), teacher: a.tensor("teacher")))
        },
    ]

    /// Throws `LossError.invalidInput` when the F32 input `name` (if given) holds NaN or infinite values.
    static func finite(_ a: LossArguments, _ loss: String, _ name: String) throws {
        guard let t = a.optionalTensor(name), !t.isFinite else { return }
        throw LossError.invalidInput(loss: loss, input: name, message: "holds NaN or infinite values")
    }

    /// Runs a Sinkhorn solver, turning its `SinkhornError` into `LossError.invalidInput` on the scores.
    static func sinkhornErrors<T>(_ loss: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SinkhornError {
            throw LossError.invalidInput(loss: loss, input: loss == "sela" ? "logits" : "scores", message: e.description)
        }
    }

    /// The names of all losses, in table order.
    public static var names: [String] { entries.map(\.name) }

    /// The row for `name`; throws `LossError.unknownLoss` with the closest name as a suggestion.
    public static func entry(named name: String) throws -> LossEntry {
        if let e = entries.first(where: { $0.name == name }) { return e }
        throw LossError.unknownLoss(name: name, suggestion: closestName(to: name, among: names), known: names)
    }

    /// Runs loss `name` on `inputs` with `parameters` (key → value as typed; missing keys take the
    /// reference defaults) and returns the outputs: F32 `loss` (shape `[]`), F32 `grad.X` for
    /// every F32 input `X` (zeros where the loss stops the gradient), and the row's extra outputs;
    /// the metadata records the loss and its resolved parameters.
    ///
    /// Everything is checked before the loss runs, so a bad request throws a `LossError` naming
    /// the problem (unknown loss, missing/extra input, wrong dtype or shape, unknown, missing or
    /// unparsable parameter) and never traps.
    public static func evaluate(name: String, inputs: SafeTensors, parameters: [String: String] = [:]) throws -> SafeTensors {
        let entry = try entry(named: name)
        let values = try resolveParameters(entry, parameters)
        let sizes = try checkInputs(entry, inputs)

        let tape = Tape()
        var watched: [String: Tensor] = [:]
        for input in entry.inputs where input.dtype == .f32 {
            if let t = inputs.tensors[input.name] { watched[input.name] = tape.watch(t) }
        }
        var integers: [String: Int64Tensor] = [:]
        for input in entry.inputs where input.dtype == .i64 {
            if let t = inputs.integers[input.name] { integers[input.name] = t }
        }
        let value = try entry.compute(LossArguments(tensors: watched, integers: integers, parameters: values, sizes: sizes))

        let names = watched.keys.sorted()
        let gradients: [Tensor]
        if value.loss.isTraced {
            gradients = tape.gradients(of: value.loss, wrt: names.map { watched[$0]! })
        } else {
            gradients = names.map { Tensor(zeros: watched[$0]!.shape) }
        }
        var out = SafeTensors()
        out.tensors["loss"] = value.loss.detached.reshaped(to: [])
        for (n, g) in zip(names, gradients) { out.tensors["grad." + n] = g.detached }
        for (k, v) in value.extras { out.tensors[k] = v.detached }
        out.integers = value.integerExtras
        out.metadata["loss"] = entry.name
        out.metadata["parameters"] = entry.parameters.map { "\($0.name)=\(values[$0.name]!)" }.joined(separator: " ")
        return out
    }

    /// Parses `--param` arguments (`KEY=VALUE`, each key at most once) into a dictionary.
    public static func parseAssignments(_ arguments: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for text in arguments {
            guard let eq = text.firstIndex(of: "=") else { throw LossError.malformedParameter(text: text, reason: "expected KEY=VALUE") }
            let key = text[..<eq].trimmingCharacters(in: .whitespaces)
            let value = String(text[text.index(after: eq)...])
            guard !key.isEmpty else { throw LossError.malformedParameter(text: text, reason: "empty key") }
            guard result[key] == nil else { throw LossError.malformedParameter(text: text, reason: "'\(key)' is given twice") }
            result[key] = value
        }
        return result
    }

    /// Reads `inputs`, evaluates loss `name` and writes the outputs to `output` atomically (only
    /// on success: on any error no file is written). `assignments` are `--param` arguments.
    /// Returns the outputs written.
    @discardableResult
    public static func run(name: String, inputs: URL, output: URL, assignments: [String] = []) throws -> SafeTensors {
        let entry = try entry(named: name)
        let parameters = try parseAssignments(assignments)
        _ = try resolveParameters(entry, parameters)  // parameter errors before touching files
        let file: SafeTensors
        do { file = try SafeTensors.read(from: inputs) } catch let CheckpointError.unsupportedDType(_, key, dtype) {
            let expected = entry.inputs.first { $0.name == key }?.dtype.rawValue ?? "F32 (labels I64)"
            throw LossError.wrongDType(loss: entry.name, input: key, expected: expected, found: dtype)
        }
        let result = try evaluate(name: name, inputs: file, parameters: parameters)
        try result.write(to: output)
        return result
    }

    /// The `retort loss list` text: every loss with its definition, inputs, parameters (with
    /// defaults) and outputs.
    public static func listing() -> String {
        var lines: [String] = []
        for e in entries {
            lines.append("\(e.name): \(e.definition)")
            lines.append("  inputs:     " + e.inputs.map(\.signature).joined(separator: ", "))
            lines.append("  parameters: " + (e.parameters.isEmpty ? "none" : e.parameters.map(\.signature).joined(separator: ", ")))
            let grads = e.inputs.filter { $0.dtype == .f32 }.map { "grad.\($0.name)" }
            let extras = e.extraOutputs.map { "\($0.name) \($0.dtype.rawValue) [\($0.shape.joined(separator: ", "))]" }
            lines.append("  outputs:    " + (["loss F32 []"] + grads + extras).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Checks

    /// Every parameter's value: given (parsed) or default; unknown, missing or unparsable ones throw.
    static func resolveParameters(_ entry: LossEntry, _ given: [String: String]) throws -> [String: LossParameterValue] {
        let accepted = entry.parameters.map(\.name)
        for key in given.keys.sorted() where !accepted.contains(key) {
            throw LossError.unknownParameter(loss: entry.name, parameter: key, suggestion: closestName(to: key, among: accepted), accepted: accepted)
        }
        var values: [String: LossParameterValue] = [:]
        for p in entry.parameters {
            guard let text = given[p.name] ?? p.defaultValue else {
                throw LossError.missingParameter(loss: entry.name, parameter: p.name, expected: p.kind.rawValue)
            }
            guard let v = p.parse(text) else {
                throw LossError.invalidParameter(loss: entry.name, parameter: p.name, value: text, expected: p.kind.rawValue)
            }
            values[p.name] = v
        }
        return values
    }

    /// Checks presence, dtype and shape of every input (in table order), then that the file holds
    /// nothing else; returns the sizes bound to the symbolic dimensions.
    static func checkInputs(_ entry: LossEntry, _ file: SafeTensors) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        var boundBy: [String: String] = [:]
        for input in entry.inputs {
            let dims: [Int]
            switch (input.dtype, file.tensors[input.name], file.integers[input.name]) {
            case (.f32, let t?, _): dims = t.shape.dims
            case (.i64, _, let t?): dims = t.shape.dims
            case (.f32, nil, _?):
                throw LossError.wrongDType(loss: entry.name, input: input.name, expected: "F32", found: "I64")
            case (.i64, _?, nil):
                throw LossError.wrongDType(loss: entry.name, input: input.name, expected: "I64", found: "F32")
            default:
                if input.isOptional { continue }
                let accepted = Set(entry.inputs.map(\.name))
                let unexpected = Set(file.tensors.keys).union(file.integers.keys).subtracting(accepted).sorted()
                throw LossError.missingInput(
                    loss: entry.name, input: input.name, expected: "\(input.dtype.rawValue) [\(input.shape.joined(separator: ", "))]",
                    similar: closestName(to: input.name, among: unexpected))
            }
            func wrong(_ reason: String) -> LossError {
                .wrongShape(loss: entry.name, input: input.name, expected: input.shape, found: dims, reason: reason)
            }
            guard dims.count == input.shape.count else { throw wrong("rank \(dims.count), expected rank \(input.shape.count)") }
            for (symbol, size) in zip(input.shape, dims) {
                if let fixed = Int(symbol) {
                    guard size == fixed else { throw wrong("dimension must be \(fixed), got \(size)") }
                    continue
                }
                guard size >= 1 else { throw wrong("\(symbol) must be at least 1, got \(size)") }
                if let bound = sizes[symbol] {
                    guard bound == size else { throw wrong("\(symbol) = \(size) here but \(bound) in '\(boundBy[symbol]!)'") }
                } else {
                    sizes[symbol] = size
                    boundBy[symbol] = input.name
                }
            }
            if input.dtype == .i64, let t = file.integers[input.name],
                let bad = t.scalars.first(where: { $0 < Int64(Int32.min) || $0 > Int64(Int32.max) })
            {
                throw LossError.invalidInput(loss: entry.name, input: input.name, message: "value \(bad) does not fit in 32 bits")
            }
        }
        let accepted = entry.inputs.map(\.name)
        let given = Set(file.tensors.keys).union(file.integers.keys)
        for key in given.sorted() where !accepted.contains(key) {
            // Only an input the file lacks is a plausible intended name.
            let absent = accepted.filter { !given.contains($0) }
            throw LossError.extraInput(loss: entry.name, input: key, suggestion: closestName(to: key, among: absent), accepted: accepted)
        }
        return sizes
    }

    /// The candidate closest to `word` by edit distance, if close enough to be a typo.
    static func closestName(to word: String, among candidates: [String]) -> String? {
        func distance(_ a: String, _ b: String) -> Int {
            let x = Array(a.lowercased())
            let y = Array(b.lowercased())
            if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
            var previous = Array(0...y.count)
            var current = [Int](repeating: 0, count: y.count + 1)
            for i in 1...x.count {
                current[0] = i
                for j in 1...y.count {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                }
                swap(&previous, &current)
            }
            return previous[y.count]
        }
        guard let best = candidates.min(by: { distance(word, $0) < distance(word, $1) }) else { return nil }
        let d = distance(word, best)
        if d <= max(1, min(word.count, best.count) / 2) || best.hasPrefix(word) || word.hasPrefix(best) { return best }
        return nil
    }
}
