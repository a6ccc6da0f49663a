import Foundation
import Support
import XCTest

/// `doubleQuotedLiteral` reads back unchanged as JSON (the safetensors header) for every escape it writes.
final class StringQuotingTests: XCTestCase {
    func testJSONReadsTheLiteralBack() throws {
        for s in ["", "plain", "quote \" and \\ backslash", "lines\nand\r\ttabs", "bell \u{07} nul \u{00} esc \u{1B}", "ünï ✓ 🙂"] {
            let literal = s.doubleQuotedLiteral
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            XCTAssertEqual(decoded, [s], literal)
        }
        XCTAssertEqual("a\u{01}".doubleQuotedLiteral, "\"a\\u0001\"")
    }
}
