import Foundation
import NN
import Support

/// Writes a run's metrics as a TensorBoard event file (`events.out.tfevents.<seconds>.<host>`)
/// beside `metrics.jsonl`, so `tensorboard --logdir runs/` shows every run. Each `MetricsRecord`
/// becomes one `Event` at its step with scalars `loss/total`, `loss/<term>`, `train/lr`,
/// `train/images_per_second`, `train/data_wait_seconds` and `metrics/<name>` (float32, as
/// TensorBoard stores them); the resolved recipe is the text summary `recipe` at step 0.
///
/// The event file is a function of `metrics.jsonl`: a resumed run replaces the old event files by one
/// holding the records `metrics.jsonl` kept (written atomically), then appends, so TensorBoard never
/// shows the steps a killed run repeated.
public final class TensorBoardWriter {
    /// The event file being appended to.
    public let url: URL
    private let fileSystem: any FileSystem
    private var descriptor: Int32?

    /// The scalars of `record` with their TensorBoard tags.
    public static func scalars(of record: MetricsRecord) -> [(tag: String, value: Float)] {
        var out: [(String, Float)] = []
        if let loss = record.loss { out.append(("loss/total", Float(loss))) }
        for (name, v) in record.losses.sorted(by: { $0.key < $1.key }) { out.append(("loss/\(name)", Float(v))) }
        if let lr = record.lr { out.append(("train/lr", Float(lr))) }
        if let v = record.imagesPerSecond { out.append(("train/images_per_second", Float(v))) }
        if let v = record.dataWaitSeconds { out.append(("train/data_wait_seconds", Float(v))) }
        for (name, v) in record.metrics.sorted(by: { $0.key < $1.key }) { out.append(("metrics/\(name)", Float(v))) }
        return out
    }

    /// The event files (`events.out.tfevents.*`) in `folder`, sorted by name.
    public static func eventFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Starts the event file of the run in `folder`: removes older event files, writes (atomically)
    /// the file-version event, the recipe text and the `replay` records, then opens it for appending.
    public init(
        folder: URL, recipeYAML: String, replay: [MetricsRecord] = [], now: Date = Date(),
        fileSystem: any FileSystem = POSIXFileSystem()
    ) throws {
        self.fileSystem = fileSystem
        let old = Self.eventFiles(in: folder)
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host.isEmpty ? "retort" : host)")
        let time = now.timeIntervalSince1970
        var bytes = TFRecord.frame(TensorBoardEvent(wallTime: time, step: 0, fileVersion: "brain.Event:2").encoded())
        bytes += TFRecord.frame(TensorBoardEvent(wallTime: time, step: 0, values: [.text(tag: "recipe", value: Self.markdown(recipeYAML))]).encoded())
        for record in replay { bytes += Self.frame(record, wallTime: time) }
        try AtomicFile.write(Data(bytes), to: url, fileSystem: fileSystem)
        for file in old where file.path != url.path { fileSystem.removeIfPresent(file.path) }
        descriptor = try fileSystem.openForAppending(url.path)
    }

    deinit { close() }

    /// Appends `record` as one event (one `write`, so a killed run leaves whole records or a torn
    /// last one, which TensorBoard skips).
    public func append(_ record: MetricsRecord, wallTime: Date = Date()) throws {
        guard let descriptor else { throw FileSystemError(operation: "write", path: url.path, code: EBADF) }
        try fileSystem.writeAll(descriptor, Data(Self.frame(record, wallTime: wallTime.timeIntervalSince1970)), path: url.path)
    }

    /// Closes the file; later appends throw.
    public func close() {
        if let descriptor { try? fileSystem.close(descriptor, path: url.path) }
        descriptor = nil
    }

    private static func frame(_ record: MetricsRecord, wallTime: Double) -> [UInt8] {
        let values = scalars(of: record).map { TensorBoardEvent.Value.scalar(tag: $0.tag, value: $0.value) }
        return TFRecord.frame(TensorBoardEvent(wallTime: wallTime, step: Int64(record.step), values: values).encoded())
    }

    /// YAML as a Markdown code block (the text plugin renders Markdown).
    private static func markdown(_ yaml: String) -> String { "```yaml\n" + yaml + "```" }
}
