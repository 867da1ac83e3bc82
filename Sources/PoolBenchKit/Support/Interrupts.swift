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

    /// Whether `onInterrupt` installed a handler, which ends the process.
    private static let exits = Atomic<Bool>(false)

    /// The first signal seen, if any: work that waits (for another
    /// process's lock) asks it, and stops waiting.
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
        exits.store(true, ordering: .releasing)
        handle { signalNumber in
            _ = noted.compareExchange(expected: 0, desired: signalNumber, ordering: .acquiringAndReleasing)
            // Children first: once they are stopped no run in flight can
            // end with their deaths counted as its failures.
            LiveChildren.shared.terminateAll()
            handler()
            // The runs stored so far reach the main file before the exit.
            SQLiteHistoryStore.exitLeavingHistoriesWhole(128 + signalNumber)
        }
    }

    /// For a command whose work failed: when a signal came and the
    /// `onInterrupt` handler is ending the process, the failure is the
    /// signal's doing (a write that gave up waiting for a lock), and the
    /// handler's exit code, not the failure's, is the command's. Waits up to
    /// ten seconds for that exit.
    public static func awaitHandlerExit() {
        guard received != nil, exits.load(ordering: .acquiring) else { return }
        for _ in 0..<1_000 { usleep(10_000) }
    }

    /// Takes SIGINT, SIGTERM and SIGHUP away from their default action and
    /// calls `body` with each one that arrives, on an ordinary queue.
    ///
    /// No signal is lost, however soon it comes. libdispatch installs its
    /// own handler for a signal source later, on its manager thread, and a
    /// signal ignored meanwhile (`SIG_IGN`, as its documentation asks) was
    /// dropped: a `serve` signalled the moment it printed its URL, on a busy
    /// machine, never stopped. So until libdispatch has taken each signal
    /// over, `noteEarly` holds it, and this waits (up to two seconds) for
    /// that before returning; a signal held then is handled as if it came
    /// after.
    private static func handle(_ body: @escaping @Sendable (Int32) -> Void) {
        let numbers = [SIGINT, SIGTERM, SIGHUP]
        // libdispatch takes a signal over once per process: a later call
        // must leave its handler in place.
        let first = sources.isEmpty
        _ = early.load(ordering: .relaxed)  // initialised before a handler can touch it
        for signalNumber in numbers {
            if first { signal(signalNumber, noteEarly) }
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { body(signalNumber) }
            source.resume()
            sources.append(source)
        }
        guard first else { return }
        for _ in 0..<2_000 where numbers.contains(where: isNotedEarly) { usleep(1_000) }
        let held = early.exchange(0, ordering: .acquiringAndReleasing)
        if held != 0 { DispatchQueue.global().async { body(held) } }
    }

    /// Whether `noteEarly` is still the handler of `signalNumber`.
    private static func isNotedEarly(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        sigaction(signalNumber, nil, &current)
        let handler = current.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
        return handler == unsafeBitCast(noteEarly, to: UnsafeRawPointer.self)
    }

    /// The first signal that came before libdispatch handled it.
    private static let early = Atomic<Int32>(0)

    /// Only an atomic store: all a signal handler may safely do.
    private static let noteEarly: @convention(c) (Int32) -> Void = { number in
        _ = Interrupts.early.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
    }
}
