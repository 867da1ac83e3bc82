import Foundation
import PoolBenchKit

/// One line on stderr, rewritten after every run: runs done of total, the
/// point just measured, elapsed time and an estimate of the rest.
struct TerminalProgress: SweepProgress {
    /// Progress only for a person watching: nothing when stderr is a file or pipe.
    static func ifStandardErrorIsATerminal() -> TerminalProgress? {
        isatty(STDERR_FILENO) == 1 ? TerminalProgress() : nil
    }

    func runFinished(done: Int, total: Int, point: SweepPoint, elapsed: Double) {
        let remaining = elapsed / Double(done) * Double(total - done)
        let line = done == total
            ? "\r\u{1B}[K"
            : "\r\u{1B}[K[\(done)/\(total)] \(point.executor.rawValue) × \(point.workers)  elapsed \(clock(elapsed))  ETA \(clock(remaining))"
        StandardStreams.writeError(line)
    }

    private func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
