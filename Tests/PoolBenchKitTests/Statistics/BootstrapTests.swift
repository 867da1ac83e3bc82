import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Bootstrap")
    struct BootstrapTests {
        let groups: [[Double]] = [[1, 2, 3], [10, 20, 30, 40, 50], [7]]

        @Test("Each resample draws only from its own group")
        func resamplesStayWithinGroups() {
            let medians = Bootstrap.resampledMedians(of: groups, resamples: 500, seed: 1) { $0 }
            #expect(medians.count == 500)
            #expect(medians.allSatisfy { (1...3).contains($0[0]) && (10...50).contains($0[1]) && $0[2] == 7 })
            // Resampling varies the medians: not every draw returns the sample median.
            #expect(Set(medians.map { $0[1] }).count > 2)
        }

        @Test("The same seed gives the same resamples and another seed different ones")
        func seedDeterminesResamples() {
            let first = Bootstrap.resampledMedians(of: groups, resamples: 50, seed: 42) { $0[1] }
            let again = Bootstrap.resampledMedians(of: groups, resamples: 50, seed: 42) { $0[1] }
            let other = Bootstrap.resampledMedians(of: groups, resamples: 50, seed: 43) { $0[1] }
            #expect(first == again)
            #expect(first != other)
        }

        @Test("Seed 7 on two small groups gives these literal resampled medians and band")
        func literalResamples() {
            // Worked by hand for the first resample: SplitMix64 from 7 gives
            // 0x63CBE1E459320DD7, 0x044C3CD7F43C661C, 0xE6984080BAB12A02;
            // Lemire's ⌊z·3 / 2⁶⁴⌋ turns them into indices 1, 0, 2, so the
            // first group is redrawn as [2, 1, 3] with median 2. The rest
            // came from an independent Python SplitMix64 + Lemire, and every
            // median is one the groups can produce (a value, or the mean of
            // two for the even-sized group).
            let medians = Bootstrap.resampledMedians(of: [[1, 2, 3], [10, 20, 30, 40]], resamples: 6, seed: 7) { $0 }
            #expect(medians == [[2, 20], [1, 40], [3, 30], [2, 30], [3, 20], [2, 20]])
            let second = Bootstrap.resampledMedians(of: [[1, 2, 3], [10, 20, 30, 40]], resamples: 6, seed: 7) { Int($0[1]) }
            // Sorted 20 20 20 30 30 40: positions ⌊5·0.05⌋ = 0 and ⌈5·0.95⌉ = 5.
            #expect(Bootstrap.percentileBand(second) == 20...40)
        }

        @Test("An empty group yields a NaN median instead of a crash")
        func emptyGroup() {
            let medians = Bootstrap.resampledMedians(of: [[], [2, 4]], resamples: 3, seed: 0) { $0 }
            #expect(medians.allSatisfy { $0[0].isNaN && (2...4).contains($0[1]) })
        }

        @Test("The in-place median of a long group, found by selection, is the sorted median, ties and all")
        func selectionMedian() {
            var generator = SeededGenerator(seed: 3)
            for count in [33, 34, 60, 61, 200] {
                for ties in [false, true] {
                    var values = (0..<count).map { _ in ties ? Double(generator.nextIndex(below: 5)) : generator.nextUnit() }
                    let expected = Descriptive.median(values)
                    let median = values.withUnsafeMutableBufferPointer { Bootstrap.medianInPlace($0) }
                    #expect(median == expected, "\(count) values, ties: \(ties)")
                }
            }
        }

        @Test("The percentile band takes the 5th and 95th order statistics without interpolating")
        func percentileBand() {
            // 0…100: positions ⌊100·0.05⌋ = 5 and ⌈100·0.95⌉ = 95.
            #expect(Bootstrap.percentileBand(Array((0...100).reversed())) == 5...95)
            #expect(Bootstrap.percentileBand([8, 8, 8, 16]) == 8...16)
            #expect(Bootstrap.percentileBand([]) == nil)
        }
    }
}
