import Foundation
import NN
import Recipes
import Support
import TestSupport
import XCTest

final class MetricsLogTests: XCTestCase {
    func testAppendReadTruncate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("metrics.jsonl")
        let log = try MetricsLog(url: url)
        let records = (1...4).map { i in
            MetricsRecord(
                step: i * 10, epoch: Double(i) / 4, loss: 2.0 / Double(i), losses: ["ce": 2.0 / Double(i)], lr: 0.1,
                imagesPerSecond: 500, dataWaitSeconds: 0.01, metrics: ["online_probe_top1": 0.5])
        }
        for r in records { try log.append(r) }
        // Each record is on disk as a complete line as soon as append returns (no buffering).
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 4)
        XCTAssertTrue(text.hasPrefix(#"{"data_wait_seconds":0.01,"elapsed_seconds"#) || text.hasPrefix(#"{"data_wait_seconds":0.01,"epoch""#), text)
        XCTAssertEqual(try MetricsLog.read(url), records)
        try log.append(MetricsRecord(step: 50, epoch: 1.25, loss: .nan))
        log.close()
        let back = try MetricsLog.read(url)
        XCTAssertEqual(back.count, 5)
        XCTAssertTrue(back[4].loss?.isNaN ?? false)
        try MetricsLog.truncate(url, afterStep: 20)
        XCTAssertEqual(try MetricsLog.read(url), Array(records.prefix(2)))
        // Reopening appends after the kept records.
        let again = try MetricsLog(url: url)
        try again.append(records[2])
        again.close()
        XCTAssertEqual(try MetricsLog.read(url), Array(records.prefix(3)))
    }

    func testTornTailIsSkippedButBadLinesAreErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let torn = try dir.write("{\"step\":1,\"epoch\":0,\"losses\":{},\"metrics\":{}}\n{\"step\":2,\"ep", to: "torn.jsonl")
        XCTAssertEqual(try MetricsLog.read(torn).map(\.step), [1])
        let bad = try dir.write("{\"step\":1,\"epoch\":0}\nnot json\n{\"step\":3,\"epoch\":0}\n", to: "bad.jsonl")
        XCTAssertThrowsError(try MetricsLog.read(bad)) { error in
            XCTAssertEqual((error as? MetricsLogError)?.line, 2)
            XCTAssertTrue("\(error)".contains("bad.jsonl:2"), "\(error)")
        }
    }

    func testFullDiskFailsTheAppend() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let log = try MetricsLog(url: dir.url.appendingPathComponent("m.jsonl"), fileSystem: FaultyFileSystem(capacity: 10))
        XCTAssertThrowsError(try log.append(MetricsRecord(step: 1, epoch: 0))) { error in
            XCTAssertEqual((error as? FileSystemError)?.code, ENOSPC)
        }
    }
}
