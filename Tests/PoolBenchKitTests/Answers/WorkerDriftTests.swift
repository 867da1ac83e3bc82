import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Worker drift and sparklines")
    struct WorkerDriftTests {
        func point(_ sweep: Int64, _ workers: Int, _ band: ClosedRange<Int>) -> RecommendationPoint {
            RecommendationPoint(
                sweepID: sweep, startedAt: Date(timeIntervalSince1970: Double(sweep)),
                recommendedWorkers: workers, band: band
            )
        }

        @Test("A recommendation that leaves the band is a shift; a wobble between neighbours is not")
        func shifts() {
            let history = [
                point(1, 16, 12...16), point(2, 12, 12...16), point(3, 16, 16...24),
                point(4, 32, 24...32), point(5, 32, 32...32), point(6, 8, 8...12),
            ]
            let shifts = WorkerDrift.shifts(in: history.reversed())
            #expect(shifts.map(\.sweepID) == [4, 6])
            #expect(shifts.map(\.fromWorkers) == [16, 32] && shifts.map(\.toWorkers) == [32, 8])
            #expect(shifts.first?.previousBand == 12...16)
            #expect(WorkerDrift.shifts(in: []).isEmpty)
        }

        @Test("Sparklines scale from the lowest to the highest block")
        func sparkline() {
            #expect(Sparkline.render([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█")
            #expect(Sparkline.render([10, 30, 20]) == "▁█▅")
            #expect(Sparkline.render([5, 5, 5]) == "▄▄▄")
            #expect(Sparkline.render([1, .nan, 3]) == "▁ █")
            #expect(Sparkline.render([]) == "")
        }
    }
}
