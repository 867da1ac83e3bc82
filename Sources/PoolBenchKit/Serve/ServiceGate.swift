import Synchronization

/// At most `capacity` requests in service at once; the rest wait in arrival
/// order. It counts as it goes, so tests can check the limit by counting
/// rather than by timing.
final class ServiceGate: Sendable {
    let capacity: Int?

    private struct State {
        var inService = 0
        var mostInService = 0
        var served = 0
        var waiting: [@Sendable () -> Void] = []
        var head = 0
    }

    private let state = Mutex(State())

    init(capacity: Int?) {
        self.capacity = capacity
    }

    /// Calls `start` once the request may be served: at once when a slot is
    /// free and nobody is queued, otherwise when its turn comes.
    func enter(_ start: @escaping @Sendable () -> Void) {
        let admitted = state.withLock { state in
            let full = capacity.map { state.inService >= $0 } ?? false
            if full || state.head < state.waiting.count {
                state.waiting.append(start)
                return false
            }
            state.inService += 1
            state.mostInService = max(state.mostInService, state.inService)
            return true
        }
        if admitted { start() }
    }

    /// Ends one request's service and admits the longest waiter, if any.
    func leave() {
        let next: (@Sendable () -> Void)? = state.withLock { state in
            state.inService -= 1
            state.served += 1
            guard state.head < state.waiting.count else { return nil }
            let next = state.waiting[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.waiting.count {
                state.waiting.removeFirst(state.head)
                state.head = 0
            }
            state.inService += 1
            state.mostInService = max(state.mostInService, state.inService)
            return next
        }
        next?()
    }

    var statistics: HTTPTestServer.Statistics {
        state.withLock { .init(served: $0.served, mostInService: $0.mostInService) }
    }
}
