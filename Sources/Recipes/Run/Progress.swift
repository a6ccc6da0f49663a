import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows progress of a long command: on a terminal one line updated in place (rate, ETA, loss);
/// otherwise (logs, CI) a plain line every `plainInterval` seconds and at the end.
public final class ProgressReporter {
    /// What is being done (`train`, `probe`, `features`).
    public let label: String
    /// Steps to do, if known (for the percentage and ETA).
    public let total: Int?
    /// Whether output goes to a terminal (in-place updates).
    public let interactive: Bool
    private let plainInterval: Double
    private let interactiveInterval: Double
    private let clock: () -> Double
    private let output: (String) -> Void
    private let start: Double
    private var lastPrint: Double?
    private var lastLineLength = 0
    private var window: (time: Double, step: Int, items: Int)
    private var rate: (steps: Double, items: Double)?

    /// Creates a reporter. `clock` returns seconds (monotonic) and `output` receives text; by default the
    /// monotonic clock and standard error, which decides `interactive` through `isatty`. `startStep` is
    /// where a resumed run begins (rates count from there).
    public init(
        label: String, total: Int?, startStep: Int = 0, interactive: Bool? = nil, plainInterval: Double = 10,
        interactiveInterval: Double = 0.2, clock: (() -> Double)? = nil, output: ((String) -> Void)? = nil
    ) {
        self.label = label
        self.total = total
        self.interactive = interactive ?? ProgressReporter.isTerminal(STDERR_FILENO)
        self.plainInterval = plainInterval
        self.interactiveInterval = interactiveInterval
        self.clock = clock ?? { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        self.output = output ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
        start = self.clock()
        window = (start, startStep, 0)
    }

    /// True when `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) != 0 }

    /// Reports that `step` steps and `items` items (images) are done; prints if it is time to.
    public func update(step: Int, items: Int = 0, loss: Double? = nil, extra: String? = nil) {
        let now = clock()
        let dt = now - window.time
        if dt >= 1 || rate == nil && dt > 0 {
            let steps = Double(step - window.step) / dt
            let itemRate = Double(items - window.items) / dt
            rate = rate.map { (0.7 * $0.steps + 0.3 * steps, 0.7 * $0.items + 0.3 * itemRate) } ?? (steps, itemRate)
            window = (now, step, items)
        }
        let interval = interactive ? interactiveInterval : plainInterval
        let isLast = total.map { step >= $0 } ?? false
        if let last = lastPrint, now - last < interval, !isLast { return }
        lastPrint = now
        let line = self.line(step: step, loss: loss, extra: extra, now: now)
        if interactive {
            let padding = String(repeating: " ", count: max(0, lastLineLength - line.count))
            output("\r" + line + padding)
            lastLineLength = line.count
        } else {
            output(line + "\n")
        }
    }

    /// Ends the progress display with a final line (and a newline on a terminal).
    public func finish(_ message: String? = nil) {
        let elapsed = clock() - start
        let text = message ?? "\(label) done in \(ProgressReporter.formatDuration(elapsed))"
        if interactive {
            let padding = String(repeating: " ", count: max(0, lastLineLength - text.count))
            output("\r" + text + padding + "\n")
        } else {
            output(text + "\n")
        }
        lastLineLength = 0
    }

    /// The status line: `train 120/2000 6% | 3.2 it/s 410 img/s | loss 1.2345 | ETA 9:47`.
    public func line(step: Int, loss: Double?, extra: String?, now: Double) -> String {
        var parts: [String] = []
        if let total {
            let percent = total > 0 ? Int((Double(step) / Double(total) * 100).rounded(.down)) : 100
            parts.append("\(label) \(step)/\(total) \(percent)%")
        } else {
            parts.append("\(label) \(step)")
        }
        if let rate {
            var r = String(format: "%.2f it/s", rate.steps)
            if rate.items > 0 { r += String(format: " %.0f img/s", rate.items) }
            parts.append(r)
        }
        if let loss { parts.append(String(format: "loss %.4f", loss)) }
        if let extra { parts.append(extra) }
        if let total, let rate, rate.steps > 0, step < total {
            parts.append("ETA " + ProgressReporter.formatDuration(Double(total - step) / rate.steps))
        } else {
            parts.append("elapsed " + ProgressReporter.formatDuration(now - start))
        }
        return parts.joined(separator: " | ")
    }

    /// `h:mm:ss` or `m:ss`.
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, sec) : String(format: "%d:%02d", m, sec)
    }
}
