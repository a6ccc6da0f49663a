import Foundation

/// One line of a chart: a name for the legend and its points.
public struct PlotSeries: Sendable, Equatable {
    /// Legend name.
    public var name: String
    /// X values.
    public var x: [Double]
    /// Y values (same count as `x`; non-finite points are skipped).
    public var y: [Double]

    /// Creates a series.
    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }

    /// A series over `0, 1, 2, ...`.
    public init(name: String, y: [Double]) { self.init(name: name, x: y.indices.map(Double.init), y: y) }
}

/// A line chart rendered as standalone SVG text (loss and accuracy curves for notebooks-md):
/// several series, axes with "nice" ticks, a legend and a title. Pure text, no dependencies.
public struct SVGLineChart: Sendable {
    /// Chart title.
    public var title: String
    /// X axis label.
    public var xLabel: String
    /// Y axis label.
    public var yLabel: String
    /// The lines.
    public var series: [PlotSeries]
    /// Width in pixels.
    public var width: Double = 640
    /// Height in pixels.
    public var height: Double = 400
    /// Logarithmic y axis (non-positive values are skipped).
    public var logY = false

    /// Line colours, cycled.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// Creates a chart.
    public init(title: String, xLabel: String = "step", yLabel: String = "", series: [PlotSeries], logY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
    }

    /// The chart as SVG text.
    public func svg() -> String {
        let left = 64.0
        let right = 16.0
        let top = 36.0
        let bottom = 48.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let points = series.map { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logY || $0.1 > 0) } }
        let xs = points.flatMap { $0.map(\.0) }
        let ys = points.flatMap { $0.map { logY ? log10($0.1) : $0.1 } }
        var (xMin, xMax) = (xs.min() ?? 0, xs.max() ?? 1)
        var (yMin, yMax) = (ys.min() ?? 0, ys.max() ?? 1)
        if xMin == xMax {
            xMin -= 0.5
            xMax += 0.5
        }
        if yMin == yMax {
            yMin -= 0.5
            yMax += 0.5
        }
        let xTicks = SVGLineChart.niceTicks(xMin, xMax)
        let yTicks = logY ? SVGLineChart.logTicks(yMin, yMax) : SVGLineChart.niceTicks(yMin, yMax)
        xMin = Swift.min(xMin, xTicks.first ?? xMin)
        xMax = Swift.max(xMax, xTicks.last ?? xMax)
        yMin = Swift.min(yMin, yTicks.first ?? yMin)
        yMax = Swift.max(yMax, yTicks.last ?? yMax)
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yMin) / (yMax - yMin) * plotH }

        var out = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(width))" height="\#(f(height))" viewBox="0 0 \#(f(width)) \#(f(height))" font-family="sans-serif" font-size="12">"#
        ]
        out.append(#"<rect x="0" y="0" width="\#(f(width))" height="\#(f(height))" fill="white"/>"#)
        out.append(#"<text x="\#(f(width / 2))" y="22" text-anchor="middle" font-size="15">\#(escape(title))</text>"#)
        out.append(#"<g class="grid" stroke="rgb(224,224,224)" stroke-width="1">"#)
        for t in xTicks { out.append(#"<line x1="\#(f(px(t)))" y1="\#(f(top))" x2="\#(f(px(t)))" y2="\#(f(top + plotH))"/>"#) }
        for t in yTicks { out.append(#"<line x1="\#(f(left))" y1="\#(f(py(t)))" x2="\#(f(left + plotW))" y2="\#(f(py(t)))"/>"#) }
        out.append("</g>")
        out.append(
            #"<g class="axes" stroke="black" stroke-width="1"><line x1="\#(f(left))" y1="\#(f(top + plotH))" x2="\#(f(left + plotW))" y2="\#(f(top + plotH))"/><line x1="\#(f(left))" y1="\#(f(top))" x2="\#(f(left))" y2="\#(f(top + plotH))"/></g>"#
        )
        out.append(#"<g class="ticks">"#)
        for t in xTicks {
            out.append(#"<text x="\#(f(px(t)))" y="\#(f(top + plotH + 16))" text-anchor="middle">\#(SVGLineChart.label(t))</text>"#)
        }
        for t in yTicks {
            let text = logY ? SVGLineChart.label(pow(10, t)) : SVGLineChart.label(t)
            out.append(#"<text x="\#(f(left - 6))" y="\#(f(py(t) + 4))" text-anchor="end">\#(text)</text>"#)
        }
        out.append("</g>")
        out.append(#"<text x="\#(f(left + plotW / 2))" y="\#(f(height - 10))" text-anchor="middle">\#(escape(xLabel))</text>"#)
        out.append(
            #"<text x="14" y="\#(f(top + plotH / 2))" text-anchor="middle" transform="rotate(-90 14 \#(f(top + plotH / 2)))">\#(escape(yLabel))</text>"#
        )
        for (i, s) in series.enumerated() {
            let colour = SVGLineChart.palette[i % SVGLineChart.palette.count]
            let coordinates = points[i].map { "\(f(px($0.0))),\(f(py(logY ? log10($0.1) : $0.1)))" }.joined(separator: " ")
            out.append(
                #"<polyline class="series" data-name="\#(escape(s.name))" fill="none" stroke="\#(colour)" stroke-width="1.5" points="\#(coordinates)"/>"#
            )
        }
        out.append(#"<g class="legend">"#)
        for (i, s) in series.enumerated() {
            let colour = SVGLineChart.palette[i % SVGLineChart.palette.count]
            let y = top + 8 + Double(i) * 16
            out.append(
                #"<line x1="\#(f(left + plotW - 150))" y1="\#(f(y))" x2="\#(f(left + plotW - 130))" y2="\#(f(y))" stroke="\#(colour)" stroke-width="2"/>"#
            )
            out.append(#"<text x="\#(f(left + plotW - 124))" y="\#(f(y + 4))">\#(escape(s.name))</text>"#)
        }
        out.append("</g>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Ticks at 1, 2 or 5 times a power of ten covering `[low, high]` (about five of them).
    public static func niceTicks(_ low: Double, _ high: Double, target: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return [low] }
        let rough = (high - low) / Double(target)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = floor(low / step) * step
        let last = ceil(high / step) * step
        var ticks: [Double] = []
        var t = first
        while t <= last + step * 1e-9 && ticks.count < 100 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// Whole decades covering `[low, high]` (values are log10).
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        let ticks = Array(stride(from: floor(low), through: ceil(high), by: 1))
        return ticks.count >= 2 ? ticks : niceTicks(low, high)
    }

    /// A short tick label (`0.25`, `1000`, `1e-05`).
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escape(_ s: String) -> String { Self.escapeXML(s) }

    /// `s` with `& < > "` escaped for SVG text and attributes.
    static func escapeXML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
