import Foundation

/// CPU time, peak memory and context switches of this process and its
/// reaped children, from `getrusage`. A run's figures are the difference of
/// two snapshots; peak RSS is the high-water mark so far (the kernel keeps
/// no per-interval peak).
public struct ResourceUsage: Sendable, Equatable {
    public var userSeconds: Double
    public var systemSeconds: Double
    public var peakRssBytes: Int64
    public var voluntaryContextSwitches: Int64
    public var involuntaryContextSwitches: Int64

    public init(
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
    public static func now() -> ResourceUsage {
        read(RUSAGE_SELF.rawValue).adding(read(RUSAGE_CHILDREN.rawValue))
    }

    /// What happened between `earlier` and `self`; the peak stays a peak.
    public func since(_ earlier: ResourceUsage) -> ResourceUsage {
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
