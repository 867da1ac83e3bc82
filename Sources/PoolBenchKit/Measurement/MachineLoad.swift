import Foundation

/// The aggregate `cpu` line of /proc/stat: the time every core has spent in
/// each state since boot, in clock ticks (`sysconf(_SC_CLK_TCK)`, 100 on
/// every Linux this runs on). See proc_stat(5).
///
/// Two snapshots around a run say how much CPU the whole machine used
/// meanwhile; `getrusage` says how much of it was poolbench's. What is left
/// is the rest of the machine, which slows a job as surely as its own code
/// and is what `best` and `trend` must not blame on the job.
struct ProcessorTimes: Sendable, Hashable {
    var user: UInt64
    var nice: UInt64
    var system: UInt64
    var idle: UInt64
    var iowait: UInt64
    var irq: UInt64
    var softirq: UInt64
    /// Time the hypervisor gave this machine's virtual CPUs to someone else.
    var steal: UInt64

    init(
        user: UInt64, nice: UInt64, system: UInt64, idle: UInt64, iowait: UInt64 = 0, irq: UInt64 = 0,
        softirq: UInt64 = 0, steal: UInt64 = 0
    ) {
        (self.user, self.nice, self.system, self.idle) = (user, nice, system, idle)
        (self.iowait, self.irq, self.softirq, self.steal) = (iowait, irq, softirq, steal)
    }

    /// Non-idle ticks: user + nice + system + irq + softirq + steal. Idle
    /// and iowait are a core with nothing to run. (Guest time is already
    /// inside user and nice, so it is not added again.)
    var busy: UInt64 {
        user &+ nice &+ system &+ irq &+ softirq &+ steal
    }

    /// Reads the `cpu` line of `text`, a /proc/stat. Kernels before 2.6.11
    /// lack steal and older ones iowait, irq and softirq: missing fields are
    /// zero. `nil` when there is no `cpu` line with at least four numbers.
    static func parse(_ text: String) -> ProcessorTimes? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.first == "cpu" else { continue }
            let numbers = fields.dropFirst().prefix(8).map { UInt64($0) }
            guard numbers.count >= 4, numbers.allSatisfy({ $0 != nil }) else { return nil }
            let value = numbers.map { $0! } + Array(repeating: 0, count: 8 - numbers.count)
            return ProcessorTimes(
                user: value[0], nice: value[1], system: value[2], idle: value[3], iowait: value[4], irq: value[5],
                softirq: value[6], steal: value[7]
            )
        }
        return nil
    }

    /// This machine's counters now; `nil` where /proc/stat cannot be read.
    static func now() -> ProcessorTimes? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(parse)
    }

    /// Clock ticks per second of /proc/stat's counters.
    static let ticksPerSecond: Double = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? Double(ticks) : 100
    }()
}

/// How much CPU the whole machine used during one run, and how much of it
/// was not poolbench's, in CPU-seconds summed over every core.
struct MachineLoad: Sendable, Hashable {
    /// Non-idle CPU-seconds of the whole machine (`ProcessorTimes.busy`).
    var machineCpuSeconds: Double
    /// `machineCpuSeconds` less poolbench's own and its children's CPU
    /// seconds, never below zero: other processes, the kernel's work for
    /// them, and steal. The two clocks tick at different grains (/proc/stat
    /// in 10 ms ticks, `getrusage` in microseconds), so a quiet machine
    /// shows a few hundredths here, not exactly zero.
    var otherCpuSeconds: Double
    var stealSeconds: Double

    init(machineCpuSeconds: Double, otherCpuSeconds: Double, stealSeconds: Double) {
        self.machineCpuSeconds = machineCpuSeconds
        self.otherCpuSeconds = otherCpuSeconds
        self.stealSeconds = stealSeconds
    }

    /// The load between two snapshots, given the CPU seconds poolbench
    /// itself used in between; `nil` when a snapshot is missing or the
    /// counters went backwards (they do not, short of a reboot).
    init?(from start: ProcessorTimes?, to end: ProcessorTimes?, ownCpuSeconds: Double,
                 ticksPerSecond: Double = ProcessorTimes.ticksPerSecond) {
        guard let start, let end, end.busy >= start.busy, end.steal >= start.steal else { return nil }
        machineCpuSeconds = Double(end.busy - start.busy) / ticksPerSecond
        stealSeconds = Double(end.steal - start.steal) / ticksPerSecond
        otherCpuSeconds = max(0, machineCpuSeconds - max(ownCpuSeconds, 0))
    }
}
