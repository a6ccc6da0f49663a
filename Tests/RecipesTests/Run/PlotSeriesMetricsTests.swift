import Plot
import Recipes
import XCTest

/// Curves read from `metrics.jsonl` records (`PlotSeries(metrics:value:)`, Recipes' bridge to Plot).
final class PlotSeriesMetricsTests: XCTestCase {
    func testSeriesFromMetricsRecords() {
        let records = [
            MetricsRecord(step: 10, epoch: 0.5, loss: 2, losses: ["ce": 2], lr: 0.1),
            MetricsRecord(step: 20, epoch: 1, metrics: ["knn_top1": 0.4]),
            MetricsRecord(step: 30, epoch: 1.5, loss: 1, losses: ["ce": 1], lr: 0.05),
        ]
        let loss = PlotSeries(metrics: records, value: "ce")
        XCTAssertEqual(loss.x, [10, 30])
        XCTAssertEqual(loss.y, [2, 1])
        let knn = PlotSeries(metrics: records, value: "knn_top1", byEpoch: true, name: "kNN")
        XCTAssertEqual(knn, PlotSeries(name: "kNN", x: [1], y: [0.4]))
        XCTAssertEqual(PlotSeries(metrics: records, value: "lr").y, [0.1, 0.05])
    }
}
