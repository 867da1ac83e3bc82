import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the command and
/// job children still running are stopped, the handler runs on an ordinary
/// queue, where it may touch the history, then the process exits with
/// 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM).
public enum Interrupts {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs `handler` for SIGINT and SIGTERM. Call once, before the work
    /// it protects starts.
    public static func onInterrupt(_ handler: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                // Children first: once they are stopped no run in flight can
                // end with their deaths counted as its failures.
                LiveChildren.shared.terminateAll()
                handler()
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
