/// Pixel counts by (truth, prediction) class, and the segmentation scores derived from them.
public struct ConfusionMatrix: Sendable, Equatable {
    /// The number of classes K (background included).
    public let classCount: Int
    /// `counts[truth * K + prediction]`.
    public private(set) var counts: [Int]

    /// An empty matrix for `classCount` classes.
    public init(classCount: Int) {
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// Counts one image's pixels (class ids below `classCount`).
    public mutating func add(truth: [UInt8], prediction: [UInt8]) {
        precondition(truth.count == prediction.count, "ConfusionMatrix: \(truth.count) truth vs \(prediction.count) predicted pixels")
        for (t, p) in zip(truth, prediction) { counts[Int(t) * classCount + Int(p)] += 1 }
    }

    /// Per class `TP / (TP + FP + FN)`; nil for a class absent from both truth and prediction.
    public var iou: [Double?] {
        (0..<classCount).map { c in
            let tp = counts[c * classCount + c]
            let truth = (0..<classCount).reduce(0) { $0 + counts[c * classCount + $1] }
            let predicted = (0..<classCount).reduce(0) { $0 + counts[$1 * classCount + c] }
            let union = truth + predicted - tp
            return union == 0 ? nil : Double(tp) / Double(union)
        }
    }

    /// The mean IoU over the classes present in truth or prediction (0 when none is).
    public var meanIoU: Double {
        let present = iou.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// Correct pixels / all pixels (0 when empty).
    public var pixelAccuracy: Double {
        let total = counts.reduce(0, +)
        return total == 0 ? 0 : Double((0..<classCount).reduce(0) { $0 + counts[$1 * classCount + $1] }) / Double(total)
    }
}
