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

/// The executor of `kind`.
func makeExecutor(_ kind: ExecutorKind, serving workload: any Workload) -> any Executor {
    switch kind {
    case .sequential: SequentialExecutor()
    case .threads: ThreadsExecutor()
    case .pool: PoolExecutor()
    case .dispatch: DispatchExecutor()
    case .tasks: TasksExecutor()
    case .processes: fatalError("not yet")
    }
}
