import Backbones
import TensorCore

/// One training batch as objectives see it: the augmented views with everything the loader recorded
/// about them (crop boxes, flips, sizes, resolution groups), the per-sample labels, ids and captions,
/// the batch-mix parameters, and an optional slot for cached teacher outputs. Nothing here is drawn
/// again: all of it comes from the loader's recorded view parameters.
public struct TrainingBatch {
    /// Each view `[N, C, H, W]`, normalised, in the order of the recipe's `data.views`.
    public var views: [Tensor]
    /// What the loader recorded for each view (same order as `views`).
    public var viewInfo: [ViewInfo]
    /// Class labels `[N]`, when the store has them (nil otherwise; never a sentinel value).
    public var labels: IntTensor?
    /// Per-sample ids (stable across epochs: SeLa pseudo-labels and memory banks are keyed by them).
    public var sampleIDs: [UInt64]
    /// Per-sample captions, when the store has a text field.
    public var texts: [String]?
    /// The captions tokenised for a text tower, when the run tokenises them (CLIP, DeCLIP).
    public var text: TextBatch?
    /// The mixup/cutmix parameters, when the batch was mixed (`data.mix`).
    public var mix: MixInfo?
    /// Teacher outputs cached for exactly these views (`retort cache-logits`), when the run uses a cache.
    public var teacherOutputs: TeacherOutputs?

    /// A batch with views of the given infos (`viewInfo` defaults to whole-image, unflipped views in one group).
    public init(
        views: [Tensor], viewInfo: [ViewInfo]? = nil, labels: IntTensor?, sampleIDs: [UInt64], texts: [String]? = nil,
        mix: MixInfo? = nil, teacherOutputs: TeacherOutputs? = nil, text: TextBatch? = nil
    ) {
        self.views = views
        self.viewInfo = viewInfo ?? views.map { ViewInfo.wholeImage(count: $0.shape[0], height: $0.shape[2], width: $0.shape[3]) }
        self.labels = labels
        self.sampleIDs = sampleIDs
        self.texts = texts
        self.mix = mix
        self.teacherOutputs = teacherOutputs
        self.text = text
    }

    /// The number of samples N.
    public var count: Int { sampleIDs.count }

    /// The first `count` views; an objective's check that the batch has the views it needs (throws
    /// `ObjectiveError.tooFewViews` naming `objective`).
    @discardableResult
    public func views(_ count: Int, for objective: String) throws -> ArraySlice<Tensor> {
        guard views.count >= count else { throw ObjectiveError.tooFewViews(objective: objective, needed: count, got: views.count) }
        return views.prefix(count)
    }

    /// View indices grouped by resolution group, groups in order of first appearance (SwAV forwards
    /// the 2 global crops together and the small crops together, so BatchNorm statistics are per group).
    public var viewGroups: [[Int]] {
        var groups: [Int: [Int]] = [:]
        var order: [Int] = []
        for (v, info) in viewInfo.enumerated() {
            if groups[info.group] == nil { order.append(info.group) }
            groups[info.group, default: []].append(v)
        }
        return order.map { groups[$0]! }
    }

    /// The views of one resolution group concatenated along the batch axis: `[G·N, C, H, W]`.
    public func groupedViews(_ group: [Int]) -> Tensor {
        group.count == 1 ? views[group[0]] : Tensor.concatenate(group.map { views[$0] }, alongAxis: 0)
    }

    /// Token ids `[N, L]` and padding mask `[N, L]` of the captions under `tokenizer`, or nil without captions.
    public func tokens(_ tokenizer: ByteTokenizer) -> (ids: IntTensor, mask: Tensor)? {
        texts.map { tokenizer.encode(batch: $0) }
    }
}

/// What the loader recorded about one view of every sample of a batch.
public struct ViewInfo: Sendable {
    /// Crop boxes `[N, 4]` as `(x0, y0, x1, y1)` in the source image, pixel-centre coordinates
    /// normalised by `(W_img − 1, H_img − 1)` (PixPro's convention); a flipped view has `x0 > x1`.
    public var boxes: Tensor
    /// Whether each sample's view was flipped horizontally `[N]`.
    public var flipped: [Bool]
    /// Output height of the view.
    public var height: Int
    /// Output width of the view.
    public var width: Int
    /// The resolution group: views of the same output size share a group, numbered in order of first appearance.
    public var group: Int

    /// A view record.
    public init(boxes: Tensor, flipped: [Bool], height: Int, width: Int, group: Int) {
        self.boxes = boxes
        self.flipped = flipped
        self.height = height
        self.width = width
        self.group = group
    }

    /// `count` unflipped whole-image views of `height × width` in group 0.
    public static func wholeImage(count: Int, height: Int, width: Int) -> ViewInfo {
        let box: [Float] = [0, 0, 1, 1]
        return ViewInfo(
            boxes: Tensor(shape: [count, 4], scalars: Array((0..<count).map { _ in box }.joined())),
            flipped: Array(repeating: false, count: count), height: height, width: width, group: 0)
    }
}

/// A mixup/cutmix step (torchvision v2 / timm convention): sample `i` was mixed with sample
/// `partner[i]`; the target is `λ·y_i + (1 − λ)·y_partner[i]`.
public struct MixInfo: Sendable, Equatable {
    /// The weight of each sample's own image and target (for cutmix, 1 − box area / image area).
    public var lambda: Float
    /// The partner of each sample.
    public var partner: [Int]
    /// For cutmix: the pasted box `[top, left, height, width]` in output pixels; nil for mixup.
    public var box: [Int]?

    /// A mix record.
    public init(lambda: Float, partner: [Int], box: [Int]?) {
        self.lambda = lambda
        self.partner = partner
        self.box = box
    }

    /// Mixed one-hot targets `[N, K]`: `λ·onehot(y_i) + (1 − λ)·onehot(y_partner[i])`.
    public func targets(_ labels: IntTensor, classCount k: Int) -> Tensor {
        let y = labels.scalars
        var t = [Float](repeating: 0, count: y.count * k)
        for i in y.indices {
            t[i * k + Int(y[i])] += lambda
            t[i * k + Int(y[partner[i]])] += 1 - lambda
        }
        return Tensor(shape: [y.count, k], scalars: t)
    }
}

/// The teachers' target for exactly this batch's views, read from a teacher-logit cache
/// (`retort cache-logits`) instead of running the teachers: the target logits `[N, C]` that
/// `TeacherEnsemble.targetLogits` gives for the view the teachers see (one teacher's logits, or
/// log p̄ of an ensemble), rebuilt from the cached top-k (exact when k = C).
public struct TeacherOutputs: Sendable {
    /// The target logits `[N, C]`.
    public var logits: Tensor
    /// The mean of the teachers' raw logits `[N, C]` (`TeacherEnsemble.meanLogits`), cached for an
    /// ensemble (MEAL V2's discriminator input); nil for a cache of one teacher.
    public var meanLogits: Tensor?

    /// A cached target (and the ensemble's mean logits).
    public init(logits: Tensor, meanLogits: Tensor? = nil) {
        self.logits = logits
        self.meanLogits = meanLogits
    }
}
