import Foundation
import XCTest

/// Loads a JSON fixture from Tests/Fixtures (made by the generator scripts there).
func loadFixture(_ relativePath: String, file: StaticString = #filePath) throws -> [String: Any] {
    let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    let data = try Data(contentsOf: url)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// Reads a list of numbers from a fixture.
func floats(_ fx: [String: Any], _ key: String) -> [Float] {
    (fx[key] as? [Any] ?? []).map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) }
}

/// Asserts two float arrays agree to a relative tolerance (against max(|a|, |b|, floor)).
func assertClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-5, floor: Float = 1e-3, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > rtol * max(abs(x), abs(y), floor) {
        XCTFail("\(what)[\(i)]: \(x) vs \(y)", file: file, line: line)
        return
    }
}
