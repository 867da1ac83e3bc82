import Foundation

/// CPU time, peak memory and context switches of this process and its
/// reaped children, from `getrusage`. A run's figures are the difference of
/// two snapshots. Peak RSS is a high-water mark: this process's since the
/// last `startingNewPeak()` (Linux can reset it), and the largest reaped
/// child's so far (which it cannot).
struct ResourceUsage: Sendable, Equatable {
    var userSeconds: Double
    var systemSeconds: Double
    var peakRssBytes: Int64
    var voluntaryContextSwitches: Int64
    var involuntaryContextSwitches: Int64

    init(
        userSeconds: Double, systemSeconds: Double, peakRssBytes: Int64,
        voluntaryContextSwitches: Int64, involuntaryContextSwitches: Int64
    ) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.peakRssBytes = peakRssBytes
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    /// This process plus the children it has waited for (the `processes`
    /// executor's workers are reaped before a run ends, so they count).
    static func now() -> ResourceUsage {
        var own = read(RUSAGE_SELF.rawValue)
        if let peak = ownPeakSinceReset() { own.peakRssBytes = peak }
        return own.adding(read(RUSAGE_CHILDREN.rawValue))
    }

    /// A snapshot that also starts a new peak, so that a run reports its own
    /// peak memory rather than the largest of every run before it.
    static func startingNewPeak() -> ResourceUsage {
        resetOwnPeak()
        return now()
    }

    /// Resets this process's resident-set high-water mark by writing 5 to
    /// /proc/self/clear_refs (Linux 4.0+, see proc(5)); false where refused.
    @discardableResult
    static func resetOwnPeak() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    /// VmHWM from /proc/self/status: the high-water mark that
    /// `resetOwnPeak` resets. `ru_maxrss` is not reset with it.
    static func ownPeakSinceReset() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kibibytes = Int64(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).dropLast(3)
                  .trimmingCharacters(in: .whitespaces))
        else { return nil }
        return kibibytes * 1024
    }

    /// What happened between `earlier` and `self`; the peak stays a peak.
    func since(_ earlier: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: max(0, userSeconds - earlier.userSeconds),
            systemSeconds: max(0, systemSeconds - earlier.systemSeconds),
            peakRssBytes: peakRssBytes,
            voluntaryContextSwitches: max(0, voluntaryContextSwitches - earlier.voluntaryContextSwitches),
            involuntaryContextSwitches: max(0, involuntaryContextSwitches - earlier.involuntaryContextSwitches)
        )
    }

    private func adding(_ other: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: userSeconds + other.userSeconds,
            systemSeconds: systemSeconds + other.systemSeconds,
            peakRssBytes: max(peakRssBytes, other.peakRssBytes),
            voluntaryContextSwitches: voluntaryContextSwitches + other.voluntaryContextSwitches,
            involuntaryContextSwitches: involuntaryContextSwitches + other.involuntaryContextSwitches
        )
    }

    private static func read(_ who: __rusage_who_t) -> ResourceUsage {
        var usage = rusage()
        getrusage(who, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ResourceUsage(
            userSeconds: seconds(usage.ru_utime),
            systemSeconds: seconds(usage.ru_stime),
            peakRssBytes: Int64(usage.ru_maxrss) * 1024,  // Linux reports KiB.
            voluntaryContextSwitches: Int64(usage.ru_nvcsw),
            involuntaryContextSwitches: Int64(usage.ru_nivcsw)
        )
    }
}
