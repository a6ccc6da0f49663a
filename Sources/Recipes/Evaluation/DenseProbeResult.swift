import Foundation

/// One weight decay of the dense probe's sweep.
public struct DenseWeightDecayTrial: Codable, Sendable, Equatable {
    /// The weight decay.
    public var weightDecay: Double
    /// mIoU on the held-out training images.
    public var validationMIoU: Double
    /// L-BFGS iterations of the fit.
    public var iterations: Int
}

/// What `retort probe --dense` reports.
public struct DenseProbeResult: Codable, Sendable, Equatable {
    /// Test mIoU over background + classes (classes absent from truth and prediction left out).
    public var meanIoU: Double
    /// Test pixel accuracy.
    public var pixelAccuracy: Double
    /// Test IoU per class (index 0 background); nil for an absent class.
    public var classIoU: [Double?]
    /// The weight decay chosen on the validation images.
    public var weightDecay: Double
    /// The sweep.
    public var sweep: [DenseWeightDecayTrial]
    /// Training images (validation part included) and pixels sampled from each.
    public var trainImages: Int, pixelsPerImage: Int
    /// Feature-map height and width.
    public var mapHeight: Int, mapWidth: Int
    /// Test images scored.
    public var testImages: Int
    /// L-BFGS iterations of the final fit.
    public var iterations: Int

    /// A human-readable summary.
    public func table() -> String {
        var lines = [
            String(
                format: "dense probe: mIoU %.4f, pixel accuracy %.4f (%d test images; %dx%d maps; weight decay %g)",
                meanIoU, pixelAccuracy, testImages, mapHeight, mapWidth, weightDecay)
        ]
        lines.append(
            "  class IoU: "
                + classIoU.enumerated().map { "\($0.offset): " + ($0.element.map { String(format: "%.3f", $0) } ?? "-") }
                .joined(separator: ", "))
        for t in sweep {
            lines.append(String(format: "  wd %g: validation mIoU %.4f (%d iterations)", t.weightDecay, t.validationMIoU, t.iterations))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
