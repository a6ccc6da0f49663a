import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Atomic file replacement: write a temporary file in the same directory, fsync it, rename it
/// over the destination, then fsync the directory. Readers see the old or the new file, never a mix.
public enum AtomicFile {
    /// Writes `data` to `url` atomically; throws `CheckpointError.io` naming the file.
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CheckpointError.io(file: path, message: "cannot create \(temp): \(String(cString: strerror(errno)))") }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        let message = String(cString: strerror(errno))
        if !ok || fsync(fd) != 0 {
            close(fd)
            unlink(temp)
            throw CheckpointError.io(file: path, message: "write failed: \(message)")
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let m = String(cString: strerror(errno))
            unlink(temp)
            throw CheckpointError.io(file: path, message: "rename failed: \(m)")
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}
