import Foundation

/// Records a sweep around its runs: the sweep row with host and git state
/// before the first run, `interrupted` when Ctrl-C arrives, and the runner's
/// verdict at the end.
public struct SweepSession: Sendable {
    public let store: any HistoryStore
    public let sweep: SweepRecord

    /// Stores the sweep as `running`, its command line without the
    /// credentials in it (see `Redaction`), and arranges for Ctrl-C to mark it
    /// `interrupted` (keeping every finished run) and clean up temporary files.
    public static func begin(
        store: any HistoryStore, commandLine: [String], label: String?, testbed: String? = nil
    ) throws -> SweepSession {
        let host = try store.host(HostProbe.current())
        let git = HostProbe.git()
        let sweep = try store.beginSweep(
            SweepRecord(
                hostId: host.id!, startedAt: Date(), commandLine: CommandLineSplitter.shellQuoted(Redaction.arguments(commandLine)), label: label,
                gitCommit: git.commit, gitBranch: git.branch, testbed: testbed
            ),
            owner: .current()
        )
        Interrupts.onInterrupt {
            let message: String
            do {
                message = try store.finishSweep(id: sweep.id!, status: .interrupted)
                    ? "sweep \(sweep.id!) is marked interrupted; its finished runs are kept."
                    : "sweep \(sweep.id!) had already finished; all its runs are kept."
            } catch {
                // Another program holds the history's write lock, say: the
                // next command that writes it finds this process gone.
                message = "sweep \(sweep.id!) could not be marked interrupted (\(SQLiteHistoryStore.writeFailure(error))); "
                    + "its finished runs are kept, and the next poolbench command that records into this history marks it abandoned."
            }
            TemporaryResources.removeAll()
            StandardStreams.writeError("\nInterrupted: \(message)\n")
        }
        return SweepSession(store: store, sweep: sweep)
    }
}
