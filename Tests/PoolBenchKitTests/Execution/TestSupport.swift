import Dispatch
import Foundation
import Synchronization
import Testing

/// Tests of the executors; the namespace makes `--filter Execution` find them.
enum ExecutionTests {}

/// Tests of the workloads; the namespace makes `--filter Workload` find them.
enum WorkloadTests {}

/// Opens once `count` callers have arrived; later callers pass straight
/// through. Waiting gives up after `timeout` so a broken executor fails the
/// test instead of hanging it.
final class Latch: Sendable {
    let count: Int
    private let timeout: Duration
    private let arrived = Atomic<Int>(0)
    private let opened = DispatchSemaphore(value: 0)

    init(count: Int, timeout: Duration = .seconds(20)) {
        self.count = count
        self.timeout = timeout
    }

    var isOpen: Bool { arrived.load(ordering: .acquiring) >= count }

    /// True once the latch is open; false when it timed out.
    func arriveAndWaitBlocking() -> Bool {
        let position = arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if position == count {
            for _ in 1..<count { opened.signal() }
            return true
        }
        if position > count { return true }
        return opened.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success
    }

    /// The async waiter polls rather than blocking a cooperative thread.
    func arriveAndWait() async -> Bool {
        arrived.wrappingAdd(1, ordering: .acquiringAndReleasing)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !isOpen {
            guard clock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }
}

/// Polls `condition` until it holds; fails the test (by throwing) after a
/// generous timeout instead of hanging it.
func waitUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else { throw TimedOut() }
        usleep(100)
    }
}

func waitUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) async {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else {
            Issue.record("timed out waiting")
            return
        }
        try? await Task.sleep(for: .microseconds(100))
    }
}

struct TimedOut: Error {}

/// How many are inside at once, and the most ever seen.
final class Gauge: Sendable {
    private let inside = Atomic<Int>(0)
    private let mostInside = Atomic<Int>(0)

    var most: Int { mostInside.load(ordering: .relaxed) }

    func enter() {
        mostInside.max(inside.add(1, ordering: .relaxed).newValue, ordering: .relaxed)
    }

    func leave() {
        inside.subtract(1, ordering: .relaxed)
    }
}

/// The order in which waiters were served.
final class Arrivals: Sendable {
    private let order = Mutex<[Int]>([])

    var all: [Int] { order.withLock { $0 } }

    func append(_ waiter: Int) {
        order.withLock { $0.append(waiter) }
    }
}
