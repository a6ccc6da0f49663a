import Foundation
import XCTest

/// A fresh directory under the system temp folder, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("retort-recipes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (creating sub-folders) and returns its URL.
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: false, encoding: .utf8)
        return file
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` and returns the `RecipeError` it throws, failing the test if it throws something else or nothing.
func recipeError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> RecipeErrorBox? {
    do {
        _ = try body()
        XCTFail("expected an error", file: file, line: line)
    } catch {
        return RecipeErrorBox(error: error)
    }
    return nil
}

/// The thrown error and its description.
struct RecipeErrorBox {
    let error: any Error
    var text: String { String(describing: error) }
}
