import Foundation

/// A 2-D scatter plot of labelled points as SVG (an embedding map): one colour per class from the
/// line chart's palette (extended to matplotlib's ten `tab10` colours), equal scales on both axes,
/// and a legend naming each class with its point count.
public struct SVGScatter: Sendable {
    /// The title.
    public var title: String
    /// Points `(x, y)`.
    public var points: [(x: Double, y: Double)]
    /// Class index per point (-1: unlabelled, drawn grey).
    public var labels: [Int]
    /// Legend names per class index (missing ones are shown as the index).
    public var classNames: [String]
    /// Canvas size in pixels.
    public var width: Double = 760, height: Double = 600

    /// matplotlib's `tab10`.
    public static let palette = SVGLineChart.palette + ["#bcbd22", "#17becf"]

    /// A scatter of `points` coloured by `labels`.
    public init(title: String, points: [(x: Double, y: Double)], labels: [Int], classNames: [String] = []) {
        precondition(points.count == labels.count, "SVGScatter: \(points.count) points, \(labels.count) labels")
        self.title = title
        self.points = points
        self.labels = labels
        self.classNames = classNames
    }

    /// The SVG text.
    public func svg() -> String {
        let legendW = 170.0
        let margin = 16.0
        let top = 36.0
        let plotW = width - legendW - 2 * margin
        let plotH = height - top - margin
        let xs = points.map(\.x).filter(\.isFinite)
        let ys = points.map(\.y).filter(\.isFinite)
        let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        let (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        let span = max(x1 - x0, y1 - y0, 1e-12)
        let scale = min(plotW, plotH) / span
        let cx = margin + plotW / 2
        let cy = top + plotH / 2
        let mx = (x0 + x1) / 2
        let my = (y0 + y1) / 2
        func colour(_ label: Int) -> String { label < 0 ? "#999999" : Self.palette[label % Self.palette.count] }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(width))" height="\#(f(height))" viewBox="0 0 \#(f(width)) \#(f(height))" font-family="sans-serif" font-size="12">"#
        ]
        out.append(#"<rect x="0" y="0" width="\#(f(width))" height="\#(f(height))" fill="white"/>"#)
        out.append(#"<text x="\#(f(margin + plotW / 2))" y="22" text-anchor="middle" font-size="15">\#(SVGLineChart.escapeXML(title))</text>"#)
        out.append(#"<rect x="\#(f(margin))" y="\#(f(top))" width="\#(f(plotW))" height="\#(f(plotH))" fill="none" stroke="rgb(224,224,224)"/>"#)
        out.append(#"<g class="points" fill-opacity="0.7">"#)
        for (p, l) in zip(points, labels) where p.x.isFinite && p.y.isFinite {
            out.append(#"<circle cx="\#(f(cx + (p.x - mx) * scale))" cy="\#(f(cy - (p.y - my) * scale))" r="2" fill="\#(colour(l))"/>"#)
        }
        out.append("</g>")
        out.append(#"<g class="legend">"#)
        let classes = Array(Set(labels)).sorted()
        for (row, l) in classes.enumerated() {
            let y = top + 10 + Double(row) * 18
            let x = width - legendW
            let name = l < 0 ? "unlabelled" : (l < classNames.count ? classNames[l] : String(l))
            out.append(#"<circle cx="\#(f(x + 6))" cy="\#(f(y))" r="5" fill="\#(colour(l))"/>"#)
            out.append(#"<text x="\#(f(x + 16))" y="\#(f(y + 4))">\#(SVGLineChart.escapeXML(name)) (\#(labels.filter { $0 == l }.count))</text>"#)
        }
        out.append("</g>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
