import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct MachineLoadTests {
    /// The head of a real /proc/stat on a 2-core virtual machine.
    static let procStat = """
        cpu  89114 2 15765 27194 1636 0 116 165 0 0
        cpu0 43896 0 7233 15162 599 0 12 91 0 0
        cpu1 45218 2 8532 12031 1037 0 103 73 0 0
        intr 493039 0 0 0 0 0 0 0 0
        ctxt 743876
        btime 1796150000
        """

    @Test func theAggregateCpuLineIsReadNotAPerCoreOne() throws {
        let times = try #require(ProcessorTimes.parse(Self.procStat))
        #expect(times == ProcessorTimes(
            user: 89114, nice: 2, system: 15765, idle: 27194, iowait: 1636, irq: 0, softirq: 116, steal: 165
        ))
        #expect(times.busy == 89114 + 2 + 15765 + 116 + 165, "idle and iowait are not busy")
    }

    @Test func anOldKernelsShortLineReadsWithTheMissingFieldsZero() throws {
        let times = try #require(ProcessorTimes.parse("cpu  10 1 5 100\ncpu0 10 1 5 100\n"))
        #expect(times == ProcessorTimes(user: 10, nice: 1, system: 5, idle: 100))
    }

    @Test func textWithoutAUsableCpuLineIsNotRead() {
        #expect(ProcessorTimes.parse("") == nil)
        #expect(ProcessorTimes.parse("cpu0 1 2 3 4\nintr 5\n") == nil)
        #expect(ProcessorTimes.parse("cpu  1 2 x 4\n") == nil)
        #expect(ProcessorTimes.parse("cpu  1 2 3\n") == nil)
    }

    @Test func theRestOfTheMachineIsWhatIsBusyLessPoolbenchsOwnTime() throws {
        let start = ProcessorTimes(user: 1_000, nice: 0, system: 200, idle: 5_000, steal: 10)
        let end = ProcessorTimes(user: 1_250, nice: 10, system: 240, idle: 5_100, iowait: 30, steal: 40)
        // 250 + 10 + 40 + 30 busy ticks at 100 Hz: 3.3 s, 0.3 s of it steal.
        let load = try #require(MachineLoad(from: start, to: end, ownCpuSeconds: 1.3, ticksPerSecond: 100))
        #expect(abs(load.machineCpuSeconds - 3.3) < 1e-9)
        #expect(abs(load.otherCpuSeconds - 2.0) < 1e-9)
        #expect(abs(load.stealSeconds - 0.3) < 1e-9)
        // getrusage counts finer than the ticks: its excess is no negative load.
        #expect(MachineLoad(from: start, to: end, ownCpuSeconds: 9, ticksPerSecond: 100)?.otherCpuSeconds == 0)
        #expect(MachineLoad(from: end, to: start, ownCpuSeconds: 0) == nil, "counters never go backwards")
        #expect(MachineLoad(from: nil, to: end, ownCpuSeconds: 0) == nil)
    }

    @Test func thisMachinesCountersAreReadable() throws {
        let first = try #require(ProcessorTimes.now())
        let second = try #require(ProcessorTimes.now())
        #expect(second.busy >= first.busy)
    }
}
