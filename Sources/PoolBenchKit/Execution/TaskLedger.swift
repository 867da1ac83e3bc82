import Synchronization

/// Per-task bookkeeping shared by an execution's workers, cheap enough for
/// empty tasks: a latency goes into preallocated storage at its task's index,
/// so recording it takes no lock; a failure bumps an atomic, counts its
/// kind under a lock, and the first one keeps its message.
///
/// A failed task's latency is kept apart from the succeeded tasks': a
/// refusal (`429` in a millisecond) is not the job getting faster, and mixed
/// into the percentiles it drew a rate-limited API's p50 falling from 21 ms
/// to 0.6 ms past the limit.
final class TaskLedger: @unchecked Sendable {
    // @unchecked: each index of `latencies` and `failed` is written by the
    // one worker that claimed that task, and read only by `result` after
    // every worker has finished (a thread join, a group's end or a
    // continuation orders them).
    private let latencies: UnsafeMutableBufferPointer<Double>
    /// When each task started, seconds after `origin`.
    private let starts: UnsafeMutableBufferPointer<Double>
    private let origin = MonotonicClock.now()
    private let failed: UnsafeMutableBufferPointer<Bool>
    private let errorCount = Atomic<Int>(0)
    private let firstError = Mutex<String?>(nil)
    private let failures = Mutex(FailureCounts())
    private let workerBytesReceived = Atomic<Int>(0)

    init(tasks: Int) {
        latencies = .allocate(capacity: tasks)
        latencies.initialize(repeating: 0)
        starts = .allocate(capacity: tasks)
        starts.initialize(repeating: 0)
        failed = .allocate(capacity: tasks)
        failed.initialize(repeating: false)
    }

    deinit {
        latencies.deallocate()
        starts.deallocate()
        failed.deallocate()
    }

    func runBlocking(_ workload: any Workload, task: Int) {
        let start = MonotonicClock.now()
        starts[task] = MonotonicClock.seconds(from: origin, to: start)
        do {
            try workload.runBlocking(task: task)
        } catch {
            recordFailure(String(describing: error), kind: FailureKind(of: error), task: task)
        }
        latencies[task] = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }

    func run(_ workload: any Workload, task: Int) async {
        let start = MonotonicClock.now()
        starts[task] = MonotonicClock.seconds(from: origin, to: start)
        do {
            try await workload.run(task: task)
        } catch {
            recordFailure(String(describing: error), kind: FailureKind(of: error), task: task)
        }
        latencies[task] = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }

    /// Records a task that ran elsewhere (in a worker process), with the
    /// bytes it received there; a failure of unknown kind is `other`.
    func record(task: Int, latency: Double, bytesReceived: Int = 0, failure: String?, kind: FailureKind? = nil) {
        if let failure { recordFailure(failure, kind: kind ?? .other, task: task) }
        latencies[task] = latency
        starts[task] = max(MonotonicClock.seconds(since: origin) - latency, 0)
        workerBytesReceived.wrappingAdd(bytesReceived, ordering: .relaxed)
    }

    /// Counts requests a worker process re-sent for one task (see
    /// `FailureKind.retried`): kept with the failures, never as one.
    func recordRetries(_ retries: FailureCounts) {
        failures.withLock { $0.add(retries) }
    }

    private func recordFailure(_ message: String, kind: FailureKind, task: Int) {
        failed[task] = true
        failures.withLock { $0.add(kind) }
        if errorCount.wrappingAdd(1, ordering: .relaxed).oldValue == 0 {
            firstError.withLock { $0 = message }
        }
    }

    func result(wallSeconds: Double) -> ExecutionResult {
        var succeeded: [Double] = []
        var failedLatencies: [Double] = []
        succeeded.reserveCapacity(latencies.count)
        for task in latencies.indices {
            if failed[task] { failedLatencies.append(latencies[task]) } else { succeeded.append(latencies[task]) }
        }
        var result = ExecutionResult(
            wallSeconds: wallSeconds,
            latencies: succeeded,
            errorCount: errorCount.load(ordering: .relaxed),
            firstError: firstError.withLock { $0 },
            workerBytesReceived: workerBytesReceived.load(ordering: .relaxed)
        )
        result.failedLatencies = failedLatencies
        result.failures = failures.withLock { $0 }
        result.taskSeconds = Array(latencies)
        result.taskStarts = Array(starts)
        result.taskFailed = Array(failed)
        return result
    }
}

/// Hands out task indices `0..<count` to whichever worker asks next, like the
/// shared queue of Python's `ThreadPoolExecutor`, for one atomic add each.
final class TaskQueue: Sendable {
    let count: Int
    private let next = Atomic<Int>(0)

    init(count: Int) {
        self.count = count
    }

    /// The next unclaimed task, or nil when all have been handed out.
    func claim() -> Int? {
        let task = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return task < count ? task : nil
    }

    /// Hands out nothing more, so workers stop after their current task.
    func drain() {
        next.store(count, ordering: .relaxed)
    }
}
