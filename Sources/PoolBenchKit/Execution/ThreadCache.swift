import Dispatch
import Synchronization

/// OS threads kept parked between jobs, as libdispatch keeps its worker
/// threads and Swift its cooperative pool. A pool of N workers then costs
/// N thread creations once per process, not once per execution, so a sweep
/// measures how tasks are scheduled rather than how fast the kernel creates
/// threads (creating 100 can take several milliseconds: a few per cent of a
/// 100 ms run).
/// A thread left idle for `idleTimeout` exits.
final class ThreadCache: Sendable {
    static let shared = ThreadCache(idleTimeout: .seconds(30))

    private let idleTimeout: DispatchTimeInterval
    private let parked = Mutex<[ParkedThread]>([])

    init(idleTimeout: DispatchTimeInterval) {
        self.idleTimeout = idleTimeout
    }

    /// A thread waiting for its next job.
    private final class ParkedThread: Sendable {
        let wake = DispatchSemaphore(value: 0)
        let job = Mutex<(@Sendable () -> Void)?>(nil)
    }

    /// How many threads are parked, waiting for a job.
    var parkedCount: Int {
        parked.withLock { $0.count }
    }

    /// Starts `job` on a parked thread, or on a new one when none is parked.
    func start(_ job: @escaping @Sendable () -> Void) throws(PoolBenchError) {
        if let thread = parked.withLock({ $0.popLast() }) {
            thread.job.withLock { $0 = job }
            thread.wake.signal()
            return
        }
        let thread = ParkedThread()
        thread.job.withLock { $0 = job }
        try OSThread.spawn { self.serve(thread) }.detach()
    }

    /// Runs `body` on a cached thread and resumes the async caller with its
    /// result, so the caller's cooperative thread never waits.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try start { continuation.resume(with: Result(catching: body)) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    private func serve(_ thread: ParkedThread) {
        while true {
            runJob(of: thread)
            parked.withLock { $0.append(thread) }
            while thread.wake.wait(timeout: .now() + idleTimeout) == .timedOut {
                let leaving = parked.withLock { parked in
                    guard let index = parked.firstIndex(where: { $0 === thread }) else { return false }
                    parked.remove(at: index)
                    return true
                }
                // Not parked any more: a job was just handed over and its wake-up is coming.
                if leaving { return }
            }
        }
    }

    /// Runs the job handed over and lets it go before the thread parks, so
    /// nothing it captured outlives it.
    private func runJob(of thread: ParkedThread) {
        let job = thread.job.withLock { job in
            defer { job = nil }
            return job
        }
        job?()
    }
}
