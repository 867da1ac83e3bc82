import Synchronization

/// At most `capacity` requests in service at once; the rest wait in arrival
/// order. It counts as it goes, so tests can check the limit by counting
/// rather than by timing.
///
/// A waiting request can be withdrawn (`cancel`) when its client gives up,
/// so a queue of abandoned requests never delays the clients still
/// waiting: ten clients that time out behind one slow request would
/// otherwise each hold the slot for a full latency nobody reads.
final class ServiceGate: Sendable {
    let capacity: Int?

    /// A place in the queue, to withdraw it.
    struct Ticket: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    private struct State {
        var inService = 0
        var mostInService = 0
        var served = 0
        var withdrawn = 0
        var nextTicket: UInt64 = 0
        /// The waiting requests by ticket; arrival order is `order`.
        var waiting: [UInt64: @Sendable () -> Void] = [:]
        /// Tickets in arrival order from `head` on; withdrawn ones are
        /// skipped when their turn comes.
        var order: [UInt64] = []
        var head = 0

        mutating func admit() {
            inService += 1
            mostInService = max(mostInService, inService)
        }

        /// The longest waiter still waiting, taken off the queue.
        mutating func nextWaiter() -> (@Sendable () -> Void)? {
            while head < order.count {
                let ticket = order[head]
                head += 1
                if let start = waiting.removeValue(forKey: ticket) {
                    compact()
                    return start
                }
            }
            compact()
            return nil
        }

        private mutating func compact() {
            if head == order.count {
                order.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    private let state = Mutex(State())

    init(capacity: Int?) {
        self.capacity = capacity
    }

    /// Calls `start` once the request may be served: at once when a slot is
    /// free and nobody is queued, otherwise when its turn comes. Returns the
    /// request's ticket while it waits, nil when it was admitted at once.
    @discardableResult
    func enter(_ start: @escaping @Sendable () -> Void) -> Ticket? {
        let ticket: Ticket? = state.withLock { state in
            let full = capacity.map { state.inService >= $0 } ?? false
            if full || !state.waiting.isEmpty {
                let number = state.nextTicket
                state.nextTicket += 1
                state.waiting[number] = start
                state.order.append(number)
                return Ticket(number: number)
            }
            state.admit()
            return nil
        }
        if ticket == nil { start() }
        return ticket
    }

    /// Withdraws a waiting request, so it is never started. Returns false
    /// when it is no longer waiting (it was started, or withdrawn before):
    /// a request in service is not cut, the caller's `leave` ends it.
    @discardableResult
    func cancel(_ ticket: Ticket) -> Bool {
        state.withLock { state in
            guard state.waiting.removeValue(forKey: ticket.number) != nil else { return false }
            state.withdrawn += 1
            return true
        }
    }

    /// Ends one request's service and admits the longest waiter, if any.
    func leave() {
        let next: (@Sendable () -> Void)? = state.withLock { state in
            state.inService -= 1
            state.served += 1
            guard let next = state.nextWaiter() else { return nil }
            state.admit()
            return next
        }
        next?()
    }

    var statistics: HTTPTestServer.Statistics {
        state.withLock { .init(served: $0.served, mostInService: $0.mostInService) }
    }

    /// Requests waiting for a slot now.
    var waitingCount: Int {
        state.withLock { $0.waiting.count }
    }

    /// Requests withdrawn while waiting, since the gate was made.
    var withdrawnCount: Int {
        state.withLock { $0.withdrawn }
    }
}
