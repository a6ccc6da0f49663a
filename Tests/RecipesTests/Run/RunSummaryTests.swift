import Foundation
import Recipes
import TestSupport
import XCTest

final class RunSummaryTests: XCTestCase {
    func testWriteAndReadBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("summary.json")
        let probe = ProbeReport(
            source: "runs/a/checkpoints/last.safetensors", trainCount: 10, testCount: 5, featureCount: 4, classCount: 2,
            knn: KNNResult(k: 3, temperature: 0.07, top1: 0.8, top5: 1))
        let summary = RunSummary(
            status: .completed, objective: "byol", backbone: "resnet18", steps: 100, epochs: 2, wallSeconds: 12.5,
            imagesPerSecond: 800, finalLosses: ["byol": 0.3, "probe": .nan], probe: probe,
            startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 60))
        try summary.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains("\"started_at\" : \"1970-01-01T00:00:00Z\""), text)
        let back = try RunSummary.read(from: url)
        XCTAssertEqual(back.probe, probe)
        XCTAssertEqual(back.steps, 100)
        XCTAssertTrue(back.finalLosses["probe"]?.isNaN ?? false)
    }
}
