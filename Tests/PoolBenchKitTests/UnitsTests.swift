import Testing
@testable import PoolBenchKit

@Suite struct UnitsTests {
    @Test(arguments: [("10ms", 0.01), ("1.5s", 1.5), ("250us", 0.00025), ("2m", 120.0), ("0s", 0.0), ("100ns", 1e-7)])
    func durationsWithUnitsParse(text: String, seconds: Double) {
        #expect(Units.parseDuration(text) == seconds)
    }

    @Test(arguments: ["10", "ms", "abc", "-1s", "1.5xs", "nans", "infs", ""])
    func durationsWithoutAUnitOrNumberAreRejected(text: String) {
        #expect(Units.parseDuration(text) == nil)
    }

    @Test(arguments: [("512", 512), ("64KiB", 65536), ("1MiB", 1_048_576), ("1.5MB", 1_500_000), ("2K", 2048), ("0.5KiB", 512)])
    func sizesParse(text: String, bytes: Int) {
        #expect(Units.parseBytes(text) == bytes)
    }

    @Test(arguments: ["", "KiB", "-5", "lots", "1e40GiB", "1.5", "0.3KiB"])
    func badSizesAreRejected(text: String) {
        #expect(Units.parseBytes(text) == nil)
    }

    @Test func durationsAndSizesFormatInTheirNaturalUnit() {
        #expect(Units.formatDuration(0.01) == "10ms")
        #expect(Units.formatDuration(1.5) == "1.5s")
        #expect(Units.formatDuration(0.0005) == "500us")
        #expect(Units.formatBytes(65536) == "64KiB")
        #expect(Units.formatBytes(1000) == "1000B")
    }
}
