import Foundation
import Recipes
import TestSupport
import XCTest

final class TensorBoardTests: XCTestCase {
    func testCRC32CKnownValues() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)  // RFC 3720 B.4 check value
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)  // RFC 3720 B.4, 32 zero bytes
        XCTAssertEqual(CRC32C.masked(Array("123456789".utf8)), TensorBoardReader.maskedCRC(Array("123456789".utf8)[...]))
    }

    func testEveryScalarReadsBackBitExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let records = [
            MetricsRecord(
                step: 10, epoch: 0.5, loss: 2.302585092994046, losses: ["byol": 1.25, "probe": 2.3], lr: 0.05,
                imagesPerSecond: 812.3, dataWaitSeconds: 0.001, metrics: ["probe_accuracy": 0.1, "lr_group0": 0.1]),
            MetricsRecord(step: 20, epoch: 1, metrics: ["val_knn_top1": 0.71, "rankme": 31.99999]),
            MetricsRecord(step: 30, epoch: 1.5, loss: .nan, losses: ["ce": 1e-30], lr: 0),
        ]
        let writer = try TensorBoardWriter(
            folder: dir.url, recipeYAML: "train:\n  seed: 0\n", replay: Array(records.prefix(1)),
            now: Date(timeIntervalSince1970: 1_000))
        for r in records.dropFirst() { try writer.append(r, wallTime: Date(timeIntervalSince1970: 2_000)) }
        writer.close()
        XCTAssertEqual(TensorBoardWriter.eventFiles(in: dir.url), [writer.url])
        XCTAssertTrue(writer.url.lastPathComponent.hasPrefix("events.out.tfevents.1000."))
        let events = try TensorBoardReader.read(writer.url)
        XCTAssertEqual(events.count, 2 + records.count)
        XCTAssertEqual(events[0].fileVersion, "brain.Event:2")
        XCTAssertEqual(events[1].texts.first?.tag, "recipe")
        XCTAssertEqual(events[1].texts.first?.plugin, "text")
        XCTAssertTrue(events[1].texts.first?.value.contains("seed: 0") ?? false)
        for (record, event) in zip(records, events.dropFirst(2)) {
            XCTAssertEqual(event.step, Int64(record.step))
            let expected = TensorBoardWriter.scalars(of: record)
            XCTAssertEqual(event.scalars.map(\.tag), expected.map(\.tag))
            XCTAssertEqual(event.scalars.map(\.value.bitPattern), expected.map(\.value.bitPattern), "bit-exact float32 values")
        }
        XCTAssertEqual(events[2].wallTime, 1_000)
        XCTAssertEqual(events[3].wallTime, 2_000)
        let tags = Set(events.flatMap { $0.scalars.map(\.tag) })
        for tag in [
            "loss/total", "loss/byol", "loss/probe", "train/lr", "train/images_per_second", "train/data_wait_seconds",
            "metrics/probe_accuracy", "metrics/val_knn_top1", "metrics/rankme",
        ] {
            XCTAssertTrue(tags.contains(tag), tag)
        }
        XCTAssertTrue(events[4].scalars[0].value.isNaN)
    }

    func testAResumedRunReplacesTheOldEventFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try TensorBoardWriter(folder: dir.url, recipeYAML: "a: 1\n", now: Date(timeIntervalSince1970: 100))
        try first.append(MetricsRecord(step: 1, epoch: 0, loss: 1))
        try first.append(MetricsRecord(step: 2, epoch: 0, loss: 2))
        first.close()
        // The resumed run kept step 1 only (metrics.jsonl truncated at the checkpoint).
        let second = try TensorBoardWriter(
            folder: dir.url, recipeYAML: "a: 1\n", replay: [MetricsRecord(step: 1, epoch: 0, loss: 1)],
            now: Date(timeIntervalSince1970: 200))
        try second.append(MetricsRecord(step: 2, epoch: 0, loss: 2.5))
        second.close()
        XCTAssertEqual(TensorBoardWriter.eventFiles(in: dir.url), [second.url])
        let events = try TensorBoardReader.read(second.url)
        XCTAssertEqual(events.dropFirst(2).map(\.step), [1, 2])
        XCTAssertEqual(events.last?.scalars.first?.value, 2.5)
    }

    func testACorruptRecordIsDetectedByTheReader() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let w = try TensorBoardWriter(folder: dir.url, recipeYAML: "", now: Date(timeIntervalSince1970: 1))
        try w.append(MetricsRecord(step: 1, epoch: 0, loss: 1))
        w.close()
        var bytes = [UInt8](try Data(contentsOf: w.url))
        bytes[bytes.count - 6] ^= 1
        try Data(bytes).write(to: w.url)
        XCTAssertThrowsError(try TensorBoardReader.read(w.url))
    }
}
