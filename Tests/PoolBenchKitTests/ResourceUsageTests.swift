import Glibc
import Testing
@testable import PoolBenchKit

@Suite struct ResourceUsageTests {
    @Test func aNewPeakForgetsMemoryThatWasFreedBeforeIt() throws {
        // 256 MiB made resident, then returned to the system: it stays in
        // the old peak and must not be in the new one. The margin leaves
        // room for other tests allocating at the same time.
        let size = 256 << 20
        let memory = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(memory != MAP_FAILED)
        memset(memory, 1, size)
        let withIt = try #require(ResourceUsage.ownPeakSinceReset())
        munmap(memory, size)

        // Only this process's own peak: a snapshot's also holds the largest
        // child's, and other tests start children as large as they like.
        _ = ResourceUsage.startingNewPeak()
        let after = try #require(ResourceUsage.ownPeakSinceReset())
        #expect(withIt >= Int64(size))
        #expect(after < withIt - Int64(size / 2), "the peak was reset")
    }
}
