import Foundation

/// The process that runs a sweep, as its host knows it, and the rule that
/// tells, from the same host, whether that process is still alive: a sweep
/// whose process died without marking it (SIGKILL, power loss) is
/// `abandoned`, and one whose process lives is left `running`.
///
/// A pid alone is not enough: the kernel reuses pids, so the process's
/// start time (field 22 of `/proc/PID/stat`, clock ticks after boot) is
/// kept too, and so is the boot (`/proc/sys/kernel/random/boot_id`), since
/// start times count again from each boot. Containers sharing one kernel
/// share the boot but number their processes apart, so the pid namespace
/// (`/proc/self/ns/pid`) is kept as well: a sweep from another namespace
/// cannot be judged, and is left alone.
public struct SweepOwner: Sendable, Equatable {
    public var processId: Int32
    public var processStartTime: Int64
    public var bootId: String
    public var pidNamespace: String

    public init(processId: Int32, processStartTime: Int64, bootId: String, pidNamespace: String) {
        self.processId = processId
        self.processStartTime = processStartTime
        self.bootId = bootId
        self.pidNamespace = pidNamespace
    }

    /// This process; nil where `/proc` does not say (not Linux).
    public static func current() -> SweepOwner? {
        let here = Host.current
        let pid = getpid()
        guard let bootId = here.bootId, let pidNamespace = here.pidNamespace, let started = here.startTime(pid)
        else { return nil }
        return SweepOwner(processId: pid, processStartTime: started, bootId: bootId, pidNamespace: pidNamespace)
    }

    /// What the host a command runs on says about itself and its processes.
    struct Host {
        var name: String
        var bootId: String?
        var pidNamespace: String?
        /// When this boot began.
        var bootedAt: Date?
        /// The start time of live process `pid`; nil when there is none (or
        /// only its zombie, waiting to be reaped).
        var startTime: (Int32) -> Int64?

        static var current: Host {
            Host(
                name: ProcessInfo.processInfo.hostName,
                bootId: (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines),
                pidNamespace: try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid"),
                bootedAt: bootTime(),
                startTime: processStartTime(of:)
            )
        }
    }

    /// Whether a sweep is still being run by its process.
    enum Liveness: Equatable {
        case alive
        case dead
        /// Another host, or another pid namespace: nothing here can tell.
        case unknown
    }

    /// Judges, from `host`, the owner of a sweep recorded on a host named
    /// `hostName` that started at `startedAt`.
    func liveness(hostName: String, startedAt: Date, from host: Host) -> Liveness {
        if bootId == host.bootId {
            guard pidNamespace == host.pidNamespace else { return .unknown }
            return host.startTime(processId) == processStartTime ? .alive : .dead
        }
        // Another boot: of this host if the names match and the sweep began
        // before this boot did, when every process of the last one ended.
        // Anything else may be another machine, whose processes are not ours
        // to judge.
        guard hostName == host.name, let bootedAt = host.bootedAt, startedAt < bootedAt else { return .unknown }
        return .dead
    }

    /// Field 22 of `/proc/PID/stat`, unless the process is gone or a zombie.
    /// The fields are counted after the command name, which is in
    /// parentheses and may hold spaces or parentheses itself.
    static func processStartTime(of pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Field 3 (the state) is the first after the name.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, state != "Z", state != "X" else { return nil }
        return Int64(fields[19])
    }

    /// `btime` of `/proc/stat`: when this boot began, in seconds since 1970.
    static func bootTime() -> Date? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return TimeInterval(line.dropFirst(6).trimmingCharacters(in: .whitespaces)).map(Date.init(timeIntervalSince1970:))
        }
        return nil
    }
}

extension SweepOwner {
    /// `sweeps` as a reader should see them: a `running` sweep whose process
    /// is provably gone (`dead()`, the liveness check the next writing
    /// command marks it by) shown as `abandoned`, computed on read and
    /// written nowhere, so a read-only command never shows a killed sweep
    /// as still running. `dead` is asked only when a sweep is running.
    static func showingAbandoned(_ sweeps: [SweepRecord], dead: () throws -> [Int64]) rethrows -> [SweepRecord] {
        guard sweeps.contains(where: { $0.status == .running }) else { return sweeps }
        let gone = Set(try dead())
        return sweeps.map { sweep in
            var shown = sweep
            if shown.status == .running, let id = shown.id, gone.contains(id) { shown.status = .abandoned }
            return shown
        }
    }

    static func showingAbandoned(_ listings: [SweepListing], dead: () throws -> [Int64]) rethrows -> [SweepListing] {
        let sweeps = try showingAbandoned(listings.map(\.sweep), dead: dead)
        return zip(listings, sweeps).map { listing, sweep in
            var shown = listing
            shown.sweep = sweep
            return shown
        }
    }
}
