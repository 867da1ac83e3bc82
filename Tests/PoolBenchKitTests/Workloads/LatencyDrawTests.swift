import Testing
@testable import PoolBenchKit

@Suite struct LatencyDrawTests {
    @Test func aLognormalHoldKeepsTheMeanLatencyAndHasTheAskedSpread() {
        let draw = LatencyDraw(mean: 0.020, cv: 0.5)
        let seconds = (0..<20_000).map { _ in Double(draw.next().nanoseconds) / 1e9 }
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        let sd = (seconds.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(seconds.count - 1)).squareRoot()
        // Standard errors over 20,000 draws: 0.35% for the mean, about 1.5% for the CV.
        #expect(abs(mean / 0.020 - 1) < 0.03, "mean \(mean)")
        #expect(abs(sd / mean - 0.5) < 0.05, "cv \(sd / mean)")
    }

    @Test func withoutSpreadEveryHoldIsTheLatency() {
        #expect(LatencyDraw(mean: 0.020, cv: 0).next() == .milliseconds(20))
    }
}
