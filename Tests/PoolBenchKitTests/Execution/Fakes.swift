import Dispatch
import Foundation
import Synchronization
@testable import PoolBenchKit

struct FakeFailure: Error, CustomStringConvertible {
    let description: String
}

/// A workload that watches its executor: how many tasks are in flight at
/// once (and the most seen), how often each task ran. With a latch, the
/// first tasks wait until `latch.count` of them are in flight together, so
/// an executor that reaches N workers is seen to, without a sleep race.
final class CountingWorkload: Workload {
    let spec = WorkloadSpec.cpu(size: 0)
    private let latch: Latch?
    private let failures: [Int: String]
    private let inFlight = Atomic<Int>(0)
    private let mostInFlight = Atomic<Int>(0)
    private let latchTimeouts = Atomic<Int>(0)
    private let runCounts: Mutex<[Int]>

    init(tasks: Int, latch: Latch? = nil, failures: [Int: String] = [:]) {
        self.latch = latch
        self.failures = failures
        runCounts = Mutex(Array(repeating: 0, count: tasks))
    }

    var maxInFlight: Int { mostInFlight.load(ordering: .relaxed) }
    var timedOut: Bool { latchTimeouts.load(ordering: .relaxed) > 0 }
    var runs: [Int] { runCounts.withLock { $0 } }

    func runBlocking(task: Int) throws {
        enter(task)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        if let latch, !latch.arriveAndWaitBlocking() { latchTimeouts.add(1, ordering: .relaxed) }
        if let message = failures[task] { throw FakeFailure(description: message) }
    }

    func run(task: Int) async throws {
        enter(task)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        if let latch, !(await latch.arriveAndWait()) { latchTimeouts.add(1, ordering: .relaxed) }
        if let message = failures[task] { throw FakeFailure(description: message) }
    }

    private func enter(_ task: Int) {
        runCounts.withLock { $0[task] += 1 }
        let now = inFlight.add(1, ordering: .relaxed).newValue
        mostInFlight.max(now, ordering: .relaxed)
    }
}

/// Stands in worker "processes" that are threads of this process, serving
/// through the real worker loop and channel, so the `processes` executor can
/// be tested without the binary: either one given workload (a fake, say), or,
/// like real workers, a workload each rebuilds from its configuration and
/// closes at the end.
final class InProcessWorkerLauncher: WorkerLauncher {
    private let workload: (any Workload)?
    private let launched = Mutex<[ProcessWorker.Configuration]>([])

    init(serving workload: any Workload) {
        self.workload = workload
    }

    /// Workers that build their workload from the configuration they get.
    init() {
        workload = nil
    }

    /// The configurations the executor handed to its workers.
    var configurations: [ProcessWorker.Configuration] { launched.withLock { $0 } }

    func launch(_ configuration: ProcessWorker.Configuration) throws(PoolBenchError) -> any LaunchedWorker {
        launched.withLock { $0.append(configuration) }
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else { throw .cannotCreateChannel(errno: errno) }
        let (parentEnd, workerEnd) = (ends[0], ends[1])
        let workload = workload
        let thread = try OSThread.spawn {
            if let workload {
                try? ProcessWorker.serve(workload, input: workerEnd, output: workerEnd)
            } else {
                try? ProcessWorker.serve(configuration, input: workerEnd, output: workerEnd)
            }
            close(workerEnd)
        }
        return ThreadWorker(channel: parentEnd, thread: thread)
    }

    private struct ThreadWorker: LaunchedWorker {
        let channel: Int32
        let thread: OSThread

        func reap(grace: Double) -> String {
            thread.join()
            return "finished"
        }
    }
}

/// The executor of `kind`, with in-process workers for `processes`.
func makeExecutor(_ kind: ExecutorKind, serving workload: any Workload) -> any Executor {
    kind == .processes
        ? ProcessesExecutor(launcher: InProcessWorkerLauncher(serving: workload))
        : kind.makeExecutor(workerCommand: [])
}
