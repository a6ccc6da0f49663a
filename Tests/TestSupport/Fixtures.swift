import Foundation
import XCTest

/// The checked-in reference files under Tests/Fixtures (made by the PyTorch scripts there) and the
/// repository they live in, resolved one way: from this file's own path.
public enum Fixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tests/Fixtures.
    public static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// The URL of `relativePath` under Tests/Fixtures, e.g. `url("nn/resnet18_cifar_w0125.safetensors")`.
    public static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    /// A JSON fixture's top-level object.
    public static func json(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = try Data(contentsOf: url(relativePath))
        return try XCTUnwrap(
            JSONSerialization.jsonObject(with: data) as? [String: Any],
            "\(relativePath): not a JSON object", file: file, line: line)
    }

    /// The list of numbers under `key` of a JSON fixture; fails the test (and throws) when the key is
    /// missing or holds anything but numbers.
    public static func floats(_ object: [String: Any], _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Float] {
        let list = try XCTUnwrap(object[key] as? [Any], "fixture key \(key): missing or not a list", file: file, line: line)
        return try list.map { try Float(XCTUnwrap($0 as? NSNumber, "fixture key \(key): not a number", file: file, line: line).doubleValue) }
    }

    /// The number under `key` of a JSON fixture.
    public static func float(_ object: [String: Any], _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        try Float(XCTUnwrap(object[key] as? NSNumber, "fixture key \(key): missing or not a number", file: file, line: line).doubleValue)
    }
}
