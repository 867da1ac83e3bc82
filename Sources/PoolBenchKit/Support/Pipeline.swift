import Foundation

/// Two stages of one job on two cores: items made on a thread of their own,
/// used on the caller's in the order they were made. An import reads and
/// checks rows on one core while SQLite inserts them on the other; each
/// stage alone costs about as much as the other.
enum Pipeline {
    /// Calls `produce` on a new thread and `consume` on this one with every
    /// item it yields, in order. At most `depth` batches of `batchSize` items
    /// wait between the two, so memory stays flat however many items pass.
    ///
    /// The first error ends both stages and is rethrown here: an error
    /// `produce` throws after `consume` has taken every item yielded before
    /// it, one `consume` throws at once. Returns only after the producing
    /// thread has stopped.
    static func run<Item: Sendable>(
        batchSize: Int = 256, depth: Int = 8,
        produce: @escaping @Sendable (_ yield: (Item) throws -> Void) throws -> Void,
        consume: (Item) throws -> Void
    ) throws {
        let channel = Channel<Item>(depth: depth)
        let stopped = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { stopped.signal() }
            var batch: [Item] = []
            batch.reserveCapacity(batchSize)
            var failure: (any Error)?
            do {
                try produce { item in
                    batch.append(item)
                    if batch.count == batchSize {
                        try channel.send(batch)
                        batch = []
                        batch.reserveCapacity(batchSize)
                    }
                }
            } catch {
                failure = error
            }
            // What was yielded before an error still goes first.
            if !batch.isEmpty { try? channel.send(batch) }
            channel.finish(throwing: failure)
        }
        producer.name = "poolbench producer"
        producer.start()
        defer {
            channel.cancel()
            stopped.wait()
        }
        while let batch = try channel.receive() {
            for item in batch { try consume(item) }
        }
    }

    /// The producer's way out once the consumer has stopped taking items.
    private struct Cancelled: Error {}

    /// Batches in flight between the two threads, guarded by one condition.
    private final class Channel<Item: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private let depth: Int
        private var batches: [[Item]] = []
        /// Batches the consumer is done with, freed by the producer: freeing
        /// memory on the thread that allocated it is cheaper, and the
        /// consumer is the busier of the two.
        private var spent: [[Item]] = []
        private var taken: [Item]?
        private var finished = false
        private var failure: (any Error)?
        private var cancelled = false

        init(depth: Int) { self.depth = depth }

        /// Waits for room, then queues `batch`; throws once the consumer has gone.
        func send(_ batch: [Item]) throws {
            condition.lock()
            while batches.count >= depth && !cancelled { condition.wait() }
            guard !cancelled else {
                condition.unlock()
                throw Cancelled()
            }
            batches.append(batch)
            var freed: [[Item]] = []
            swap(&freed, &spent)
            condition.broadcast()
            condition.unlock()
            _ = consume freed
        }

        /// The producer is done: with nothing more, or with an error.
        func finish(throwing error: (any Error)?) {
            condition.lock()
            defer { condition.unlock() }
            finished = true
            failure = error
            condition.broadcast()
        }

        /// The next batch; nil once the producer finished and every batch was
        /// taken, or its error then.
        func receive() throws -> [Item]? {
            condition.lock()
            defer { condition.unlock() }
            if let taken { spent.append(taken) }
            taken = nil
            while batches.isEmpty && !finished { condition.wait() }
            if !batches.isEmpty {
                condition.broadcast()
                taken = batches.removeFirst()
                return taken
            }
            if let failure { throw failure }
            return nil
        }

        /// The consumer has stopped: a waiting or later `send` throws.
        func cancel() {
            condition.lock()
            defer { condition.unlock() }
            cancelled = true
            batches.removeAll()
            condition.broadcast()
        }
    }
}
