import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("compare")
    struct CompareTests {
        func compare(_ store: SQLiteHistoryStore, _ a: String, _ b: String) throws -> CompareReport {
            let sideA = CompareReport.Side(text: a, sweeps: try store.sweeps(idOrLabel: a))
            let sideB = CompareReport.Side(text: b, sweeps: try store.sweeps(idOrLabel: b))
            return CompareReport(
                a: sideA, runsA: try store.samplesBySeries(in: sideA.sweeps),
                b: sideB, runsB: try store.samplesBySeries(in: sideB.sweeps)
            )
        }

        @Test("Two sweeps by id: B 20% faster at every shared point, significantly, with the ratio's interval")
        func byID() throws {
            var history = try SyntheticHistory(seed: 1)
            try history.sweep(executors: ["pool", "tasks"], workers: [2, 4, 8], runs: 6, curve: capacity(16))
            try history.sweep(executors: ["pool"], workers: [4, 8, 16], runs: 6) { capacity(16)($0, $1) * 1.2 }
            let report = try compare(history.store, "1", "2")
            #expect(report.points.map { "\($0.key.executor)×\($0.comparison.workers)" } == ["pool×4", "pool×8"])
            for point in report.points {
                #expect(point.comparison.verdict == .faster)
                #expect(isClose(point.comparison.ratio, 1.2, tolerance: 0.05))
                #expect(point.comparison.ratioLow < point.comparison.ratio && point.comparison.ratio < point.comparison.ratioHigh)
            }
            let text = try render(report, as: .table)
            #expect(text.hasPrefix("A: sweep 1 ("))
            #expect(text.contains("▲ B faster"))
            let json = try jsonObject(report)
            #expect((json["a"] as? [String: Any])?["sweepIds"] as? [Int] == [1])
            #expect((json["points"] as? [[String: Any]])?.first?["verdict"] as? String == "faster")
        }

        @Test("Labels stand for every sweep filed under them, and a number that is no sweep's id is a label")
        func byLabel() throws {
            var history = try SyntheticHistory(seed: 2)
            for label in ["before", "before", "2024", "2024"] {
                try history.sweep(workers: [4, 8], label: label, curve: capacity(16))
            }
            let report = try compare(history.store, "before", "2024")
            #expect(report.a.sweeps.map(\.id) == [1, 2] && report.b.sweeps.map(\.id) == [3, 4])
            #expect(report.points.count == 2 && report.points.allSatisfy { $0.comparison.runsA == 6 && $0.comparison.runsB == 6 })
            #expect(report.points.allSatisfy { $0.comparison.verdict == .noSignificantDifference })
            #expect(try render(report, as: .table).contains("label 'before' (2 sweeps: 1, 2)"))
            #expect(try history.store.sweeps(idOrLabel: "3").map(\.id) == [3])
            #expect(try history.store.sweeps(idOrLabel: "nightly").isEmpty)
        }

        @Test("Three runs against three can never be significant, and the table says to record more")
        func tooFewRuns() throws {
            var history = try SyntheticHistory(seed: 3)
            try history.sweep(workers: [4], curve: capacity(16))
            try history.sweep(workers: [4]) { capacity(16)($0, $1) * 2 }
            let report = try compare(history.store, "1", "2")
            #expect(report.points.first?.comparison.verdict == .tooFewRuns)
            #expect(try render(report, as: .table).contains("--repeat 5"))
        }
    }
}
