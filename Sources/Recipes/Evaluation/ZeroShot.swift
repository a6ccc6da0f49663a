import Backbones
import DataStore
import Foundation
import NN
import Objectives
import Support
import TensorCore

/// Zero-shot evaluation of an image–text checkpoint (`retort zeroshot`): classification of a test
/// store by cosine to class embeddings from prompt ensembles (openai/CLIP `zeroshot_classifier`:
/// each class's prompts are embedded, normalised, averaged and normalised again), and, when the
/// store has captions, image→text and text→image retrieval recall@1/5 within pools of its pairs
/// (Flickr30K's test set has 1,000 images) and the class-level recall@1 (the top candidate is of
/// the query's class), which templated captions of one class make the more telling number.
public enum ZeroShot {
    /// Evaluates the CLIP/DeCLIP checkpoint `checkpoint` (the backbone file of a run, e.g.
    /// `checkpoints/last.safetensors`; the text tower is read from `<name>.objective.safetensors`
    /// and the vocabulary from `<name>.state.safetensors` beside it) on the store `test`, with
    /// `templates` (`{}` = the class name; nil: `ZeroShotPrompts.templates`); retrieval within
    /// consecutive pools of `pool` pairs (0: all pairs in one pool).
    public static func evaluate(checkpoint: URL, test: String, templates: [String]? = nil, pool: Int = 1000) throws -> ZeroShotReport {
        let loaded = try CheckpointModel.load(checkpoint)
        guard let recipe = loaded.recipe else {
            throw TrainError.incompatibleData("\(checkpoint.path) carries no recipe; zeroshot needs a checkpoint written by retort train")
        }
        return try evaluate(
            loaded.backbone, recipe: recipe, checkpoint: checkpoint, test: test,
            templates: templates ?? ZeroShotPrompts.templates, pool: pool)
    }

    static func evaluate<B: Backbone>(_ backbone: B, recipe: Recipe, checkpoint: URL, test: String, templates: [String], pool: Int) throws
        -> ZeroShotReport
    {
        guard pool >= 0 else {
            throw TrainError.incompatibleData("the retrieval pool must be 0 (all pairs) or a positive number of pairs, not \(pool)")
        }
        guard !templates.isEmpty, templates.allSatisfy({ $0.contains("{}") }) else {
            throw TrainError.incompatibleData("every prompt template must contain {} (the class name)")
        }
        var setup = ObjectiveSetup(recipe: recipe)
        var objective = try recipe.objective.options.makeObjective(model: backbone, setup: &setup)
        let noTower = TrainError.incompatibleData(
            "\(checkpoint.path) was trained with objective '\(recipe.objective.name)', which has no text tower (use clip or declip)")
        guard objective is CLIP<B> || objective is DeCLIP<B>,
            let tokenizer = try recipe.objective.options.textPipeline(seed: 0)?.tokenizer
        else { throw noTower }
        let base = checkpoint.deletingPathExtension()
        let objectiveFile = base.appendingPathExtension("objective.safetensors")
        let stateFile = base.appendingPathExtension("state.safetensors")
        for f in [objectiveFile, stateFile] where !FileManager.default.fileExists(atPath: f.path) {
            throw TrainError.missingFile(
                path: f.path, what: "the text tower beside the checkpoint (best.safetensors holds the image tower only; use last)")
        }
        try objective.load(from: objectiveFile)
        var state = try SafeTensors.read(from: stateFile)
        state.metadata = [:]
        try objective.loadState(state, file: stateFile.path)
        var clip: CLIP<B>
        if let c = objective as? CLIP<B> { clip = c } else if let d = objective as? DeCLIP<B> { clip = d.clip } else { throw noTower }

        let store = try StoreReader(path: test)
        let norm = recipe.evaluationNormalization
        let images = try FeatureExtractor.extract(backbone, storePath: test, mean: norm.mean, std: norm.std, channels: recipe.model.inChannels)
        let imageEmbeddings = clip.imageProjection(images.features).l2Normalized(alongAxis: 1)

        let names = classNames(of: store)
        var classEmbeddings: [Tensor] = []
        var context = Context(training: false)
        for name in names {
            let ids = ZeroShotPrompts.prompts(for: name, templates: templates).flatMap { tokenizer.encode($0).ids }
            let e = clip.embedTexts(
                IntTensor(shape: [templates.count, tokenizer.contextLength], scalars: ids),
                padding: CaptionTokenizer.padding, context: &context)
            classEmbeddings.append(e.l2Normalized(alongAxis: 1).mean(alongAxes: [0], keepingDims: true).l2Normalized(alongAxis: 1))
        }
        let classes = Tensor.concatenate(classEmbeddings, alongAxis: 0)  // [K, E]
        let scores = Tensor.matmul(imageEmbeddings, classes, transposeB: true)  // [N, K]
        let labels = images.labels.scalars.map(Int.init)
        var report = ZeroShotReport(
            samples: labels.count, classes: names, templates: templates.count,
            top1: topK(scores, labels, 1), top5: topK(scores, labels, min(5, names.count)))
        if let field = store.schema.fields.firstIndex(where: { $0.kind == .text }) {
            var textEmbeddings: [Tensor] = []
            let batch = 256
            for start in stride(from: 0, to: store.count, by: batch) {
                let rows = try (start..<min(start + batch, store.count)).map { try tokenizer.encode(store.text(sample: $0, field: field)).ids }
                let ids = IntTensor(shape: [rows.count, tokenizer.contextLength], scalars: rows.flatMap { $0 })
                textEmbeddings.append(clip.embedTexts(ids, padding: CaptionTokenizer.padding, context: &context).l2Normalized(alongAxis: 1))
            }
            report.retrieval = RetrievalRecall(
                images: imageEmbeddings, texts: Tensor.concatenate(textEmbeddings, alongAxis: 0),
                labels: labels, pool: pool)
        }
        return report
    }

    /// The prompt names of the store's classes: Fashion-MNIST's as the captions name them, else
    /// the store's class names lowercased.
    static func classNames(of store: StoreReader) -> [String] {
        store.schema.classNames == Ingest.fashionMNISTClasses
            ? ZeroShotPrompts.fashionMNISTClassNames() : store.schema.classNames.map { $0.lowercased() }
    }

    /// The share of rows of `scores` `[N, K]` whose label is among their `k` highest scores.
    static func topK(_ scores: Tensor, _ labels: [Int], _ k: Int) -> Double {
        let n = scores.shape[0]
        let c = scores.shape[1]
        var hits = 0
        for i in 0..<n {
            let own = scores.scalars[i * c + labels[i]]
            // Rank = how many classes score strictly higher (ties count for the label).
            let higher = (0..<c).filter { scores.scalars[i * c + $0] > own }.count
            if higher < k { hits += 1 }
        }
        return Double(hits) / Double(max(n, 1))
    }
}

/// The zero-shot results of one checkpoint on one store.
public struct ZeroShotReport: Codable, Sendable, Equatable {
    /// Test images.
    public var samples: Int
    /// The class names the prompts used.
    public var classes: [String]
    /// Templates per class.
    public var templates: Int
    /// Zero-shot top-1 accuracy.
    public var top1: Double
    /// Zero-shot top-5 accuracy.
    public var top5: Double
    /// Retrieval recall among the store's image–caption pairs (nil: the store has no captions).
    public var retrieval: RetrievalRecall?

    /// The report as printed by `retort zeroshot`.
    public func table() -> String {
        var lines = [
            String(
                format: "zero-shot (%d classes, %d templates, %d images): top-1 %.4f, top-5 %.4f",
                classes.count, templates, samples, top1, top5)
        ]
        if let r = retrieval {
            lines.append(
                String(
                    format: "retrieval (%d pairs, pools of %d): image->text R@1 %.4f R@5 %.4f, text->image R@1 %.4f R@5 %.4f",
                    r.pairs, r.pool, r.imageToText1, r.imageToText5, r.textToImage1, r.textToImage5))
            lines.append(
                String(
                    format: "class-level R@1 (the top candidate is of the query's class): image->text %.4f, text->image %.4f",
                    r.imageToTextClass1, r.textToImageClass1))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Image→text and text→image recall@1/5 within pools of `pool` consecutive pairs (row `n` of both
/// is pair `n`): the share of queries whose own partner is among the `k` most similar of the
/// candidates in its pool (ties count for the partner), averaged over all queries; and the
/// class-level recall@1: the share of queries whose most similar candidate has the query's label.
public struct RetrievalRecall: Codable, Sendable, Equatable {
    /// Pairs N.
    public var pairs: Int
    /// Pairs per pool (the last pool may be smaller).
    public var pool: Int
    /// Image → text recall@1.
    public var imageToText1: Double
    /// Image → text recall@5.
    public var imageToText5: Double
    /// Text → image recall@1.
    public var textToImage1: Double
    /// Text → image recall@5.
    public var textToImage5: Double
    /// Image → text: the top caption is of the image's class.
    public var imageToTextClass1: Double
    /// Text → image: the top image is of the caption's class.
    public var textToImageClass1: Double

    enum CodingKeys: String, CodingKey {
        case pairs, pool
        case imageToText1 = "image_to_text_r1"
        case imageToText5 = "image_to_text_r5"
        case textToImage1 = "text_to_image_r1"
        case textToImage5 = "text_to_image_r5"
        case imageToTextClass1 = "image_to_text_class_r1"
        case textToImageClass1 = "text_to_image_class_r1"
    }

    /// Recall of normalised `images` and `texts` `[N, E]` with the pairs' `labels` `[N]`, pool by
    /// pool (`pool` 0: one pool of all N); one `[P, P]` score block at a time.
    public init(images: Tensor, texts: Tensor, labels: [Int], pool: Int = 1000) {
        let n = images.shape[0]
        pairs = n
        self.pool = pool == 0 ? n : min(pool, n)
        let size = max(self.pool, 1)
        var hits = (i2t1: 0, i2t5: 0, t2i1: 0, t2i5: 0, i2tClass: 0, t2iClass: 0)
        for start in stride(from: 0, to: n, by: size) {
            let range = start..<min(start + size, n)
            let q = images.slice(alongAxis: 0, range)
            let c = texts.slice(alongAxis: 0, range)
            let forward = Self.ranks(Tensor.matmul(q, c, transposeB: true), labels: Array(labels[range]))
            let backward = Self.ranks(Tensor.matmul(c, q, transposeB: true), labels: Array(labels[range]))
            hits.i2t1 += forward.r1
            hits.i2t5 += forward.r5
            hits.i2tClass += forward.sameClass
            hits.t2i1 += backward.r1
            hits.t2i5 += backward.r5
            hits.t2iClass += backward.sameClass
        }
        let total = Double(max(n, 1))
        imageToText1 = Double(hits.i2t1) / total
        imageToText5 = Double(hits.i2t5) / total
        textToImage1 = Double(hits.t2i1) / total
        textToImage5 = Double(hits.t2i5) / total
        imageToTextClass1 = Double(hits.i2tClass) / total
        textToImageClass1 = Double(hits.t2iClass) / total
    }

    /// Counts over the rows of `scores` `[P, P]` (query × candidate, partner on the diagonal): the
    /// partner within the top 1 and top 5, and the top candidate of the query's class.
    static func ranks(_ scores: Tensor, labels: [Int]) -> (r1: Int, r5: Int, sameClass: Int) {
        let p = scores.shape[0]
        var r1 = 0
        var r5 = 0
        var sameClass = 0
        let s = scores.scalars
        for i in 0..<p {
            let row = i * p
            let own = s[row + i]
            var higher = 0
            var best = 0
            for j in 0..<p {
                if s[row + j] > own { higher += 1 }
                if s[row + j] > s[row + best] { best = j }
            }
            if higher < 1 { r1 += 1 }
            if higher < 5 { r5 += 1 }
            if labels[best] == labels[i] { sameClass += 1 }
        }
        return (r1, r5, sameClass)
    }
}
