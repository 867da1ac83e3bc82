import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed) into an
/// orderly stop: the command and job children still running are stopped,
/// the handler runs on an ordinary queue, where it may touch the history,
/// then the process exits with 128 + the signal number (130 for Ctrl-C,
/// 143 for SIGTERM, 129 for SIGHUP).
public enum Interrupts {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs `handler` for SIGINT, SIGTERM and SIGHUP. Call once, before
    /// the work it protects starts.
    public static func onInterrupt(_ handler: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
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
