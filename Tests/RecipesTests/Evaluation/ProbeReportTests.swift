import Foundation
import Recipes
import XCTest

final class ProbeReportTests: XCTestCase {
    func testTableAndCodableRoundTrip() throws {
        let linear = LinearProbeResult(
            top1: 0.9123, top5: 0.998, trainTop1: 0.95, weightDecay: 1e-4,
            sweep: [
                WeightDecayTrial(weightDecay: 1e-5, validationTop1: 0.90, iterations: 50),
                WeightDecayTrial(weightDecay: 1e-4, validationTop1: 0.91, iterations: 40),
            ],
            iterations: 45)
        let report = ProbeReport(
            source: "runs/byol", trainCount: 60000, testCount: 10000, featureCount: 512, classCount: 10,
            linear: linear, knn: KNNResult(k: 200, temperature: 0.07, top1: 0.88, top5: 0.99))
        let table = report.table()
        XCTAssertTrue(table.contains("linear probe"), table)
        XCTAssertTrue(table.contains("91.2%"), table)
        XCTAssertTrue(table.contains("88.0%"), table)
        XCTAssertTrue(table.contains("k=200, T=0.07"), table)
        XCTAssertTrue(table.contains("wd=0.0001") && table.contains("91.0% *"), table)
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(ProbeReport.self, from: data), report)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"feature_count\":512"))
    }
}
