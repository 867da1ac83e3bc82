import Foundation
import Testing
@testable import PoolBenchKit

extension ExecutionTests {
    @Suite struct Threads {
        @Test func aParkedThreadRunsTheNextJob() async throws {
            let cache = ThreadCache(idleTimeout: .seconds(60))
            let first = try await cache.run { pthread_self() }
            await waitUntil { cache.parkedCount == 1 }
            let second = try await cache.run { pthread_self() }
            #expect(first == second)
        }

        @Test func aThreadIdleForTooLongExits() async throws {
            let cache = ThreadCache(idleTimeout: .milliseconds(1))
            _ = try await cache.run { 1 }
            await waitUntil { cache.parkedCount == 0 }
        }

        @Test func manyJobsAtOnceEachGetAThread() async throws {
            let cache = ThreadCache(idleTimeout: .seconds(60))
            let latch = Latch(count: 8)
            let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await cache.run { latch.arriveAndWaitBlocking() } }
                }
                return try await group.reduce(true) { $0 && $1 }
            }
            #expect(opened)
        }
    }
}
