import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the running process has cost so far, read (never changed) from the kernel.
public enum ResourceUsage {
    #if os(Linux)
        private static let RUSAGE_SELF_VALUE = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
        private static let RUSAGE_SELF_VALUE = RUSAGE_SELF
    #endif

    /// The peak resident set size of this process in bytes: `getrusage(RUSAGE_SELF).ru_maxrss`,
    /// which Linux reports in KiB and macOS in bytes; nil when the call fails.
    public static func peakResidentBytes() -> Int? {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF_VALUE, &usage) == 0 else { return nil }
        #if os(macOS)
            return Int(usage.ru_maxrss)
        #else
            return Int(usage.ru_maxrss) * 1024
        #endif
    }
}
