import Dispatch
import Synchronization

/// The K slots of a simulated server: a task waits for a free slot, holds it
/// while it is served, and releases it.
protocol SlotServer: Sendable {
    var capacity: Int { get }
    /// Waits, blocking the calling thread, until a slot is this caller's.
    func acquireBlocking()
    /// Waits, suspending the calling task, until a slot is this caller's.
    func acquire() async
    func release()
}

/// A slot server within one process, served strictly in arrival order: a
/// released slot goes straight to the longest waiter, so a newcomer can
/// never overtake the queue. Threads and tasks share the one queue.
final class FIFOSlots: SlotServer {
    let capacity: Int

    private enum Waiter {
        case thread(DispatchSemaphore)
        case task(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var head = 0

        var waiting: Int { waiters.count - head }

        /// Takes a free slot, or nil when the caller has to queue.
        mutating func admit(otherwise waiter: @autoclosure () -> Waiter) -> Bool {
            if free > 0 && waiting == 0 {
                free -= 1
                return true
            }
            waiters.append(waiter())
            return false
        }

        mutating func popLongestWaiter() -> Waiter? {
            guard head < waiters.count else { return nil }
            let waiter = waiters[head]
            head += 1
            if head > 64 && head * 2 > waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
            return waiter
        }
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        self.capacity = capacity
        state = Mutex(State(free: capacity))
    }

    /// How many callers are queued for a slot.
    var waiting: Int {
        state.withLock { $0.waiting }
    }

    func acquireBlocking() {
        let semaphore = DispatchSemaphore(value: 0)
        if !state.withLock({ $0.admit(otherwise: .thread(semaphore)) }) {
            semaphore.wait()
        }
    }

    func acquire() async {
        await withCheckedContinuation { continuation in
            if state.withLock({ $0.admit(otherwise: .task(continuation)) }) {
                continuation.resume()
            }
        }
    }

    func release() {
        let next = state.withLock { state -> Waiter? in
            if let waiter = state.popLongestWaiter() { return waiter }
            state.free += 1
            return nil
        }
        switch next {
        case let .thread(semaphore): semaphore.signal()
        case let .task(continuation): continuation.resume()
        case nil: break
        }
    }
}
