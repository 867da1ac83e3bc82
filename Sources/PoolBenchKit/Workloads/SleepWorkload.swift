import Glibc

/// Waits `duration` per task, the seeds' `do_something(seconds)`. With a
/// capacity K it is a simulated server: a task queues for one of K slots,
/// holds it for `duration` and releases it, so throughput saturates at K
/// workers (K ÷ duration tasks per second) and latency includes the wait.
struct SleepWorkload: Workload {
    let duration: Double
    let slots: (any SlotServer)?

    /// A sleep, or with `capacity` a server whose slots are served in
    /// arrival order within this process.
    init(duration: Double, capacity: Int? = nil) throws(PoolBenchError) {
        guard duration.isFinite, duration >= 0, duration <= Units.longestDuration else {
            throw .invalidParameter(name: "duration", value: "\(duration)", expected: "from 0 to 86400 seconds (a day)")
        }
        if let capacity, capacity < 1 {
            throw .invalidParameter(name: "capacity", value: "\(capacity)", expected: "at least 1 slot")
        }
        self.init(duration: duration, slots: capacity.map { FIFOSlots(capacity: $0) })
    }

    init(duration: Double, slots: (any SlotServer)?) {
        self.duration = duration
        self.slots = slots
    }

    var spec: WorkloadSpec {
        .sleep(duration: duration, capacity: slots?.capacity)
    }

    /// Sleeps with `clock_nanosleep` towards an absolute deadline, so a
    /// signal interrupting it does not shorten or lengthen the wait.
    func runBlocking(task: Int) throws {
        slots?.acquireBlocking()
        defer { slots?.release() }
        var deadline = Self.monotonicTime(secondsFromNow: duration)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }

    /// Suspends with `Task.sleep` with zero tolerance: without one, the
    /// timer goes through `dispatch_after`, whose leeway is a tenth of the
    /// delay but at least 1 ms — up to double for a 1 ms sleep.
    func run(task: Int) async throws {
        await slots?.acquire()
        defer { slots?.release() }
        try await Task.sleep(for: .seconds(duration), tolerance: .zero, clock: .suspending)
    }

    private static func monotonicTime(secondsFromNow seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let whole = seconds.rounded(.towardZero)
        var nanoseconds = now.tv_nsec + Int((seconds - whole) * 1e9)
        var wholeSeconds = now.tv_sec + Int(whole)
        if nanoseconds >= 1_000_000_000 {
            nanoseconds -= 1_000_000_000
            wholeSeconds += 1
        }
        return timespec(tv_sec: wholeSeconds, tv_nsec: nanoseconds)
    }
}
