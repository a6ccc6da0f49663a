import Foundation

/// A failed atomic write; the destination is untouched and no temporary file is left behind.
public struct AtomicWriteError: Error, Sendable, CustomStringConvertible {
    /// The file that was to be written.
    public var path: String
    /// What failed underneath.
    public var underlying: FileSystemError

    /// `cannot write /runs/x/summary.json: write failed for ...: No space left on device (errno 28)`.
    public var description: String { "cannot write \(path): \(underlying)" }
}

/// Atomic file replacement: temp file in the same folder, write, fsync, rename over the target, fsync the folder.
public enum AtomicFile {
    /// Writes `data` to `url` atomically: readers see the old file or the new one, never a mix;
    /// on any failure the temp file is removed, the old file stays, and `AtomicWriteError` names `url`.
    public static func write(_ data: Data, to url: URL, fileSystem: some FileSystem = POSIXFileSystem()) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary =
            directory + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let fd: Int32
        do {
            fd = try fileSystem.createNew(temporary)
        } catch let error as FileSystemError {
            throw AtomicWriteError(path: path, underlying: error)
        }
        var open = true
        do {
            try fileSystem.writeAll(fd, data, path: temporary)
            try fileSystem.synchronize(fd, path: temporary)
            open = false
            try fileSystem.close(fd, path: temporary)
            try fileSystem.rename(temporary, to: path)
        } catch {
            if open { try? fileSystem.close(fd, path: temporary) }
            fileSystem.removeIfPresent(temporary)
            throw AtomicWriteError(
                path: path,
                underlying: error as? FileSystemError
                    ?? FileSystemError(operation: "write", path: temporary, code: EIO))
        }
        do {
            try fileSystem.synchronizeDirectory(directory)
        } catch let error as FileSystemError {
            throw AtomicWriteError(path: path, underlying: error)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL, fileSystem: some FileSystem = POSIXFileSystem()) throws {
        try write(Data(text.utf8), to: url, fileSystem: fileSystem)
    }
}
