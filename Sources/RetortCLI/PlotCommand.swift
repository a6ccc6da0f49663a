import ArgumentParser
import Foundation
import NN
import Plot
import Recipes
import Support

/// `retort plot RUN_DIR... --value loss --out FIG.svg`: curves from runs' metrics.jsonl as SVG.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Draw metrics of one or more runs as an SVG line chart.")

    @Argument(help: "Run folders (or metrics.jsonl files); each becomes a series named after its folder.")
    var runs: [String]
    @Option(help: "The value: loss, lr, images_per_second, data_wait_seconds, or a loss term or metric name (ce, byol, accuracy).")
    var value: String = "loss"
    @Option(help: "The chart title (default: the value).")
    var title: String?
    @Flag(help: "Use epochs on the x axis instead of steps.")
    var byEpoch = false
    @Flag(help: "Logarithmic y axis.")
    var logY = false
    @Option(help: "The SVG file to write.")
    var out: String

    func run() throws {
        try reportingErrors {
            var series: [PlotSeries] = []
            for r in runs {
                var url = URL(fileURLWithPath: r)
                if url.pathExtension != "jsonl" { url = url.appendingPathComponent("metrics.jsonl") }
                let name = url.deletingLastPathComponent().lastPathComponent
                series.append(PlotSeries(metrics: try MetricsLog.read(url), value: value, byEpoch: byEpoch, name: name))
            }
            let chart = SVGLineChart(title: title ?? value, xLabel: byEpoch ? "epoch" : "step", yLabel: value, series: series, logY: logY)
            try AtomicFile.write(chart.svg(), to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        }
    }
}
