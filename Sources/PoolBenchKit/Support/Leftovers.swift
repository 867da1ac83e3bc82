import Foundation

/// Names for temporary files and directories that say who made them, and
/// the removal of those a dead poolbench left behind.
///
/// A process killed outright (SIGKILL, a crash, a power cut) runs no
/// cleanup: an export's hidden temporary file or the file workload's
/// directory stays. Their names carry a marker and the owner's pid,
/// `…poolbench-<pid>-…`, so a later poolbench can tell they are its own kind
/// and whether their owner is gone. It removes one only when both hold and
/// it has not been modified for `staleAfter` and belongs to this user: a live writer keeps touching
/// its file, and the age also covers a pid seen from another pid namespace
/// (a container sharing the directory), where "no such process" proves
/// nothing.
enum Leftovers {
    /// How long a leftover must have been untouched before it is removed.
    static let staleAfter: TimeInterval = 10 * 60

    /// `poolbench-<pid>-`, the marker every temporary name carries.
    static var marker: String { "poolbench-\(getpid())-" }

    /// The pid in a name holding `poolbench-<pid>-`, if any; the last such
    /// marker counts, since a temporary file's name begins with its
    /// target's, which may hold `poolbench-` too (`poolbench-report.html`).
    static func owner(of name: String) -> pid_t? {
        var owner: pid_t?
        var rest = name[...]
        while let range = rest.range(of: "poolbench-") {
            rest = rest[range.upperBound...]
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, rest.dropFirst(digits.count).first == "-", let pid = pid_t(digits) { owner = pid }
        }
        return owner
    }

    /// Whether the process `pid` is gone: not even a zombie is left.
    static func isDead(_ pid: pid_t) -> Bool {
        pid > 0 && kill(pid, 0) == -1 && errno == ESRCH
    }

    /// Removes the entries of `directory` that `matches` accepts by name,
    /// whose owner is dead and which are older than `staleAfter`. Returns
    /// the paths removed. Errors are ignored: this is tidying, and whatever
    /// cannot be removed now is tried again next time.
    @discardableResult
    static func removeStale(in directory: String, now: Date = Date(), where matches: (String) -> Bool) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names where matches(name) {
            guard let pid = owner(of: name), isDead(pid) else { continue }
            let path = directory + "/" + name
            var info = stat()
            // lstat: a symlink planted under such a name is removed, never followed.
            guard lstat(path, &info) == 0, info.st_uid == geteuid() else { continue }
            let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
            guard now.timeIntervalSince(modified) >= staleAfter else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
