import Foundation
import Synchronization
import Testing
@testable import PoolBenchKit

extension WorkloadTests {
    @Suite struct Sleep {
        let clock = ContinuousClock()

        @Test func theBlockingBodyWaitsAtLeastItsDuration() throws {
            let workload = try SleepWorkload(duration: 0.02)
            let elapsed = try clock.measure { try workload.runBlocking(task: 0) }
            #expect(elapsed >= .milliseconds(20))
        }

        @Test func theAsyncBodyWaitsAtLeastItsDuration() async throws {
            let workload = try SleepWorkload(duration: 0.02)
            let start = clock.now
            try await workload.run(task: 0)
            #expect(clock.now - start >= .milliseconds(20))
        }

        @Test func aServerWaitsForItsSlotAsWellAsItsDuration() throws {
            let workload = try SleepWorkload(duration: 0.01, capacity: 1)
            let busy = try #require(workload.slots)
            busy.acquireBlocking()
            let start = clock.now
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { busy.release() }
            try workload.runBlocking(task: 0)
            #expect(clock.now - start >= .milliseconds(30))
        }

        @Test(arguments: [WorkloadSpec.sleep(duration: 0.01, capacity: nil), .sleep(duration: 0.25, capacity: 16)])
        func theSpecRebuildsTheSameWorkload(spec: WorkloadSpec) throws {
            #expect(try spec.makeWorkload().spec == spec)
        }

        @Test(arguments: [WorkloadSpec.sleep(duration: -1, capacity: nil), .sleep(duration: .infinity, capacity: nil), .sleep(duration: 0.01, capacity: 0)])
        func invalidParametersAreRejected(spec: WorkloadSpec) {
            #expect(throws: PoolBenchError.self) { try spec.makeWorkload() }
        }
    }

    @Suite struct SlotServers {
        @Test func neverAdmitsMoreThanItsCapacityAtOnce() async throws {
            let slots = FIFOSlots(capacity: 3)
            let inside = Gauge()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        await slots.acquire()
                        inside.enter()
                        await Task.yield()
                        inside.leave()
                        slots.release()
                    }
                }
            }
            #expect(inside.most <= 3)
            #expect(slots.waiting == 0)
        }

        @Test func blockingWaitersAreServedInArrivalOrder() throws {
            let slots = FIFOSlots(capacity: 1)
            let served = Arrivals()
            slots.acquireBlocking()
            var threads: [OSThread] = []
            for waiter in 0..<6 {
                threads.append(try OSThread.spawn {
                    slots.acquireBlocking()
                    served.append(waiter)
                    slots.release()
                })
                // The next waiter starts only once this one is queued.
                try waitUntil { slots.waiting == waiter + 1 }
            }
            slots.release()
            threads.forEach { $0.join() }
            #expect(served.all == Array(0..<6))
        }

        @Test func suspendedWaitersAreServedInArrivalOrderWithBlockingOnes() async throws {
            let slots = FIFOSlots(capacity: 1)
            let served = Arrivals()
            slots.acquireBlocking()
            var threads: [OSThread] = []
            await withTaskGroup(of: Void.self) { group in
                for waiter in 0..<6 {
                    if waiter.isMultiple(of: 2) {
                        group.addTask {
                            await slots.acquire()
                            served.append(waiter)
                            slots.release()
                        }
                    } else {
                        threads.append(try! OSThread.spawn {
                            slots.acquireBlocking()
                            served.append(waiter)
                            slots.release()
                        })
                    }
                    await waitUntil { slots.waiting == waiter + 1 }
                }
                slots.release()
            }
            threads.forEach { $0.join() }
            #expect(served.all == Array(0..<6))
        }

        @Test func sharedSlotsAreOneCountAcrossEveryHandleAndVanishWithTheirCreator() throws {
            let name: String
            do {
                let created = try SharedSlots.create(capacity: 2, registry: TemporaryResources())
                name = created.name
                let opened = try SharedSlots.open(name: name, capacity: 2)
                #expect(created.tryAcquire())
                #expect(opened.tryAcquire())
                #expect(!created.tryAcquire() && !opened.tryAcquire())
                created.release()
                #expect(opened.tryAcquire())
            }
            #expect(throws: PoolBenchError.cannotOpenSharedSlots(name: name, errno: ENOENT)) {
                try SharedSlots.open(name: name, capacity: 2)
            }
        }

        @Test func anInterruptedRunUnlinksItsSemaphores() throws {
            let registry = TemporaryResources()
            let slots = try SharedSlots.create(capacity: 1, registry: registry)
            registry.removeAll()
            #expect(throws: PoolBenchError.self) { try SharedSlots.open(name: slots.name, capacity: 1) }
        }
    }
}
