import Foundation
import Synchronization
import Testing
@testable import PoolBenchKit

@Suite struct PipelineTests {
    struct Stop: Error, Equatable {
        var at: Int
    }

    @Test(arguments: [(1, 1), (3, 2), (256, 8)])
    func everyItemArrivesOnceAndInOrder(batchSize: Int, depth: Int) throws {
        var received: [Int] = []
        try Pipeline.run(batchSize: batchSize, depth: depth, produce: { yield in
            for item in 0..<1_000 { try yield(item) }
        }, consume: { received.append($0) })
        #expect(received == Array(0..<1_000))
    }

    @Test func nothingProducedMeansNothingConsumed() throws {
        var received: [Int] = []
        try Pipeline.run(produce: { _ in }, consume: { received.append($0) })
        #expect(received.isEmpty)
    }

    @Test func aProducersErrorArrivesAfterEveryItemYieldedBeforeIt() {
        var received: [Int] = []
        #expect(throws: Stop(at: 700)) {
            try Pipeline.run(batchSize: 64, depth: 2, produce: { yield in
                for item in 0..<700 { try yield(item) }
                throw Stop(at: 700)
            }, consume: { received.append($0) })
        }
        #expect(received == Array(0..<700))
    }

    @Test func aConsumersErrorStopsTheProducerWhileItWaitsForRoom() {
        let produced = Atomic(0)
        #expect(throws: Stop(at: 10)) {
            try Pipeline.run(batchSize: 4, depth: 2, produce: { yield in
                // Endless unless stopped: it must be stopped for run to return.
                var item = 0
                while true {
                    try yield(item)
                    produced.store(item, ordering: .relaxed)
                    item += 1
                }
            }, consume: { item in
                if item == 10 { throw Stop(at: item) }
            })
        }
        // Item 10 is in the batch ending at 11. Past it, the producer made
        // at most the channel's depth of batches and the one it was filling.
        #expect(produced.load(ordering: .relaxed) <= 11 + 2 * 4 + 4)
    }

    @Test func theProducerRunsOnAThreadOfItsOwn() throws {
        let consumer = pthread_self()
        let producer = Mutex<pthread_t?>(nil)
        try Pipeline.run(produce: { yield in
            producer.withLock { $0 = pthread_self() }
            try yield(1)
        }, consume: { _ in })
        let thread = try #require(producer.withLock { $0 })
        #expect(pthread_equal(thread, consumer) == 0)
    }
}
