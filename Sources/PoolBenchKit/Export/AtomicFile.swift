import Foundation

/// A file replaced all at once: written under a temporary name in the same
/// directory and renamed over the target only when complete, so neither a
/// reader nor a failure halfway ever sees a partial file. A rename within
/// one directory is atomic on POSIX file systems.
///
/// Until `commit()` or `discard()`, an interrupt (Ctrl-C), hangup or
/// termination removes the temporary file before the process exits. One
/// left by a poolbench killed outright is removed by a later one writing
/// into the same directory (see `Leftovers`): its name,
/// `.NAME.poolbench-PID-RANDOM.tmp`, says whose it was.
final class AtomicFile {
    let path: String
    let temporaryPath: String
    let descriptor: Int32
    private var finished = false

    /// Creates the temporary file beside `path`. It gets the target's
    /// permissions when the target exists, else the usual ones for a new file.
    init(replacing path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var status = stat()
        let found = stat(path, &status) == 0
        if found, status.st_mode & S_IFMT == S_IFDIR {
            throw PoolBenchError.outputIsDirectory(path: path)
        }
        if !found, errno == ENAMETOOLONG {
            // Said now: the temporary name would fit, and the rename would not.
            throw PoolBenchError.outputUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        let existingMode: mode_t? = found ? status.st_mode & 0o7777 : nil

        Self.removeLeftovers(in: directory)
        let temporaryPath = "\(directory)/\(Self.temporaryName(for: name, maximumBytes: Self.maximumNameBytes(in: directory)))"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            // ENOENT also comes from places such as /proc that exist but
            // take no new files; only a missing directory gets that advice.
            case ENOENT where stat(directory, &status) != 0: throw PoolBenchError.outputDirectoryMissing(path: path)
            case ENOTDIR:
                throw PoolBenchError.outputUnwritable(path: path, reason: "\(directory) is not a directory")
            default: throw PoolBenchError.outputUnwritable(path: path, reason: String(cString: strerror(code)))
            }
        }
        if let existingMode { fchmod(descriptor, existingMode) }
        self.path = path
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
        InterruptCleanup.remove(temporaryPath)
    }

    /// Makes the written bytes durable, then renames them into place.
    func commit() throws {
        guard fsync(descriptor) == 0 else { throw failure("writing \(temporaryPath)") }
        guard close(descriptor) == 0 else {
            finished = true
            unlink(temporaryPath)
            InterruptCleanup.clear()
            throw failure("closing \(temporaryPath)")
        }
        finished = true
        guard rename(temporaryPath, path) == 0 else {
            let error = failure("renaming it into place")
            unlink(temporaryPath)
            InterruptCleanup.clear()
            throw error
        }
        InterruptCleanup.clear()
    }

    /// Removes the temporary file, leaving the target as it was.
    func discard() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        unlink(temporaryPath)
        InterruptCleanup.clear()
    }

    deinit { discard() }

    private func failure(_ step: String) -> PoolBenchError {
        .writeFailed(path: path, reason: "\(step): \(String(cString: strerror(errno)))")
    }

    /// `.NAME.poolbench-PID-RANDOM.tmp`, with NAME cut (at a character's
    /// end) as far as it takes to fit in `maximumBytes`: a target whose name
    /// is itself as long as the file system allows still gets one.
    static func temporaryName(for name: String, maximumBytes: Int) -> String {
        let suffix = ".\(Leftovers.marker)\(UUID().uuidString.prefix(8).lowercased()).tmp"
        var kept = Substring(name)
        while 1 + kept.utf8.count + suffix.utf8.count > maximumBytes, !kept.isEmpty {
            kept = kept.dropLast()
        }
        return "." + kept + suffix
    }

    /// The longest file name `directory`'s file system takes, in bytes.
    static func maximumNameBytes(in directory: String) -> Int {
        let limit = pathconf(directory, Int32(_PC_NAME_MAX))
        return limit > 0 ? limit : Int(NAME_MAX)
    }

    /// Removes the temporary files of dead poolbench processes in `directory`.
    @discardableResult
    static func removeLeftovers(in directory: String, now: Date = Date()) -> [String] {
        Leftovers.removeStale(in: directory, now: now) { name in
            name.hasPrefix(".") && name.hasSuffix(".tmp") && name.contains(".poolbench-")
        }
    }

    /// Whether two paths name the same existing file.
    static func isSameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}

/// Removes one temporary file if the process is interrupted, then exits the
/// way the signal would have (130 for Ctrl-C). The handler only calls
/// async-signal-safe functions, on a path copied before it is installed.
private enum InterruptCleanup {
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var previous: [(signal: Int32, handler: (@convention(c) (Int32) -> Void)?)] = []

    static func remove(_ temporaryPath: String) {
        clear()
        path = strdup(temporaryPath)
        previous = [SIGINT, SIGTERM, SIGHUP].map { number in
            let handler = signal(number) { received in
                if let path = InterruptCleanup.path { unlink(path) }
                _exit(128 + received)
            }
            return (number, handler)
        }
    }

    static func clear() {
        guard let current = path else { return }
        for (number, handler) in previous { signal(number, handler) }
        previous = []
        path = nil
        free(current)
    }
}
