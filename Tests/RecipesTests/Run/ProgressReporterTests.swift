import Foundation
import Recipes
import XCTest

final class ProgressReporterTests: XCTestCase {
    final class Capture: @unchecked Sendable {
        var text = ""
        var now = 0.0
    }

    func testPlainOutputPrintsPeriodicLines() {
        let c = Capture()
        let p = ProgressReporter(
            label: "train", total: 100, interactive: false, plainInterval: 10,
            clock: { c.now }, output: { c.text += $0 })
        for step in 1...100 {
            c.now = Double(step) * 0.5  // 2 steps/s
            p.update(step: step, items: step * 64, loss: 1.0 / Double(step))
        }
        p.finish()
        let lines = c.text.split(separator: "\n")
        XCTAssertFalse(c.text.contains("\r"))
        // First update, then every 10 s over 50 s, the last step, and the final message.
        XCTAssertGreaterThanOrEqual(lines.count, 6)
        XCTAssertLessThanOrEqual(lines.count, 8)
        XCTAssertTrue(lines[0].hasPrefix("train 1/100 1%"), String(lines[0]))
        XCTAssertTrue(lines[2].contains("2.00 it/s"), String(lines[2]))
        XCTAssertTrue(lines[2].contains("128 img/s"), String(lines[2]))
        XCTAssertTrue(lines[2].contains("ETA "), String(lines[2]))
        XCTAssertTrue(lines.contains { $0.hasPrefix("train 100/100 100%") })
        XCTAssertEqual(lines.last, "train done in 0:50")
    }

    func testTerminalOutputRewritesOneLine() {
        let c = Capture()
        let p = ProgressReporter(
            label: "probe", total: nil, interactive: true, interactiveInterval: 0.1,
            clock: { c.now }, output: { c.text += $0 })
        for step in 1...10 {
            c.now = Double(step)
            p.update(step: step, loss: 0.5)
        }
        p.finish("probe finished")
        XCTAssertEqual(c.text.filter { $0 == "\n" }.count, 1)
        XCTAssertEqual(c.text.filter { $0 == "\r" }.count, 11)
        XCTAssertTrue(c.text.contains("probe 10 | 1.00 it/s | loss 0.5000"), c.text)
        XCTAssertTrue(c.text.hasSuffix("probe finished" + String(repeating: " ", count: max(0, 0)) + "\n") || c.text.contains("probe finished"))
    }

    func testDurationFormat() {
        XCTAssertEqual(ProgressReporter.formatDuration(59.4), "0:59")
        XCTAssertEqual(ProgressReporter.formatDuration(3725), "1:02:05")
        XCTAssertEqual(ProgressReporter.formatDuration(.infinity), "--:--")
    }
}
