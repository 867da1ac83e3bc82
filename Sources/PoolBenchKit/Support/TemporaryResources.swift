import Foundation
import Synchronization

/// Every temporary directory and named semaphore poolbench has created and
/// not yet removed, so an interrupted run can remove them all.
///
/// The command line's Ctrl-C handling calls `removeAll()` before exiting.
/// It takes a lock and walks directories, so call it from a
/// `DispatchSourceSignal` handler or a task, not from a raw signal handler.
final class TemporaryResources: Sendable {
    /// The process-wide registry that workloads and executors use.
    static let shared = TemporaryResources()

    private struct Registered {
        var directories: Set<String> = []
        var semaphores: Set<String> = []
    }

    private let registered = Mutex(Registered())

    init() {}

    /// Removes every registered directory (with its contents) and unlinks
    /// every registered named semaphore.
    static func removeAll() {
        shared.removeAll()
    }

    func removeAll() {
        let all = registered.withLock { all in
            defer { all = Registered() }
            return all
        }
        all.directories.forEach(Self.deleteDirectory)
        all.semaphores.forEach { _ = sem_unlink($0) }
    }

    /// Creates a fresh, private directory under the system's temporary
    /// directory (`$TMPDIR`, else `/tmp`) and registers it. Its name,
    /// `poolbench-PID-PREFIX-XXXXXX`, says whose it is, so that the
    /// directories a poolbench killed outright left there are removed here
    /// once stale (see `Leftovers`).
    func makeDirectory(prefix: String) throws(PoolBenchError) -> String {
        let base = FileManager.default.temporaryDirectory.path
        Self.removeLeftovers(in: base)
        var template = Array("\(base)/\(Leftovers.marker)\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw .cannotCreateTemporaryDirectory(base: base, errno: errno)
        }
        let path = String(cString: created)
        registered.withLock { _ = $0.directories.insert(path) }
        return path
    }

    /// Deletes a directory created by `makeDirectory` and forgets it.
    func removeDirectory(_ path: String) {
        let wasRegistered = registered.withLock { $0.directories.remove(path) != nil }
        if wasRegistered { Self.deleteDirectory(path) }
    }

    /// Removes the directories of dead poolbench processes in `base`.
    @discardableResult
    static func removeLeftovers(in base: String, now: Date = Date()) -> [String] {
        Leftovers.removeStale(in: base, now: now) { name in
            var info = stat()
            return name.hasPrefix("poolbench-") && lstat(base + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        }
    }

    func registerSemaphore(_ name: String) {
        registered.withLock { _ = $0.semaphores.insert(name) }
    }

    /// Unlinks a named semaphore registered here and forgets it.
    func unlinkSemaphore(_ name: String) {
        let wasRegistered = registered.withLock { $0.semaphores.remove(name) != nil }
        if wasRegistered { _ = sem_unlink(name) }
    }

    func isRegistered(directory path: String) -> Bool {
        registered.withLock { $0.directories.contains(path) }
    }

    private static func deleteDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
