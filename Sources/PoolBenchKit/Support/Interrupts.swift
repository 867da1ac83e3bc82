import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed) into an
/// orderly stop: the command and job children still running are stopped,
/// the handler runs on an ordinary queue, where it may touch the history,
/// the histories opened are checkpointed, then the process exits with
/// 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
public enum Interrupts {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let noted = Atomic<Int32>(0)

    /// The first signal `noteInterrupts` has seen, if any.
    public static var received: Int32? {
        let signalNumber = noted.load(ordering: .acquiring)
        return signalNumber == 0 ? nil : signalNumber
    }

    /// Notes SIGINT, SIGTERM and SIGHUP rather than acting on them, for work
    /// that asks `received` as it goes and stops by itself, as an import
    /// does by rolling back. A second signal exits at once, writing
    /// `farewell` to stderr: work that cannot ask, such as waiting for
    /// another process's write, still ends when the user insists.
    public static func noteInterrupts(farewell: String) {
        handle { signalNumber in
            guard noted.compareExchange(expected: 0, desired: signalNumber, ordering: .acquiringAndReleasing).exchanged
            else {
                StandardStreams.writeError(farewell + "\n")
                exit(128 + (received ?? signalNumber))
            }
        }
    }

    /// Installs `handler` for SIGINT, SIGTERM and SIGHUP. Call once, before
    /// the work it protects starts.
    public static func onInterrupt(_ handler: @escaping @Sendable () -> Void) {
        handle { signalNumber in
            // Children first: once they are stopped no run in flight can
            // end with their deaths counted as its failures.
            LiveChildren.shared.terminateAll()
            handler()
            // The runs stored so far reach the main file before the exit.
            SQLiteHistoryStore.exitLeavingHistoriesWhole(128 + signalNumber)
        }
    }

    /// Takes SIGINT, SIGTERM and SIGHUP away from their default action and
    /// calls `body` with each one that arrives, on an ordinary queue.
    private static func handle(_ body: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { body(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }
}
