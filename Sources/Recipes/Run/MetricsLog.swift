import Foundation
import NN
import Support

/// Appends `MetricsRecord`s to a JSON Lines file, one `write` per record so each line is complete on disk
/// as soon as `append` returns (non-finite numbers are written as the strings "NaN"/"Infinity").
public final class MetricsLog {
    /// The file being appended to.
    public let url: URL
    private let fileSystem: any FileSystem
    private var descriptor: Int32?
    private let encoder: JSONEncoder
    /// Called with each record after it is on disk (the run's TensorBoard writer); an error it
    /// throws is the append's.
    public var onAppend: ((MetricsRecord) throws -> Void)?

    /// Opens (creating if needed) `url` for appending.
    public init(url: URL, fileSystem: any FileSystem = POSIXFileSystem()) throws {
        self.url = url
        self.fileSystem = fileSystem
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        descriptor = try fileSystem.openForAppending(url.path)
    }

    /// A log that keeps nothing (the ranks of a data-parallel run other than rank 0): appends succeed
    /// and write nothing; `onAppend` is still called.
    public init(discarding url: URL) {
        self.url = url
        fileSystem = POSIXFileSystem()
        encoder = JSONEncoder()
        discards = true
    }

    private var discards = false

    deinit { close() }

    /// Appends one record as one line.
    public func append(_ record: MetricsRecord) throws {
        if discards { return try onAppend?(record) ?? () }
        guard let descriptor else { throw FileSystemError(operation: "write", path: url.path, code: EBADF) }
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        try fileSystem.writeAll(descriptor, line, path: url.path)
        try onAppend?(record)
    }

    /// Flushes appended records to stable storage (call at checkpoints).
    public func synchronize() throws {
        guard let descriptor else { return }
        try fileSystem.synchronize(descriptor, path: url.path)
    }

    /// Closes the file; later appends throw.
    public func close() {
        if let descriptor { try? fileSystem.close(descriptor, path: url.path) }
        descriptor = nil
    }

    /// Reads every record; a torn last line (a crash mid-write) is skipped, any other bad line is an error naming it.
    public static func read(_ url: URL) throws -> [MetricsRecord] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var records: [MetricsRecord] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(MetricsRecord.self, from: Data(line.utf8)))
            } catch {
                let isTornTail = index == lines.count - 1 && !text.hasSuffix("\n")
                if isTornTail { break }
                throw MetricsLogError(path: url.path, line: index + 1, detail: "\(error)")
            }
        }
        return records
    }

    /// Keeps only the records a checkpoint at `step` had seen (atomically), so a resumed run does not
    /// log anything twice: those of earlier steps and the step record of `step` itself. Records at
    /// `step` without a loss (epoch hooks, validation) came after that checkpoint and are logged again.
    public static func truncate(_ url: URL, afterStep step: Int) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let kept = try read(url).filter { $0.step < step || ($0.step == step && $0.loss != nil) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var data = Data()
        for record in kept {
            data.append(try encoder.encode(record))
            data.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(data, to: url)
    }
}
