import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// Labels, host names and testbeds match in any Unicode form: `café`
/// typed with é (U+00E9) finds a sweep labelled with e and U+0301, in
/// every question either store answers, and the text is kept as given.
@Suite(.serialized) struct UnicodeFormTests {
    static let decomposed = (label: "cafe\u{301}", host: "Zu\u{308}rich", testbed: "ci-e\u{301}")
    static let composed = (label: "caf\u{E9}", host: "Z\u{FC}rich", testbed: "ci-\u{E9}")

    @Test(arguments: StoreKind.available)
    func aLabelHostAndTestbedMatchInEitherForm(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let decomposed = Self.decomposed, composed = Self.composed
            var host = HostRecord.fixture
            host.name = decomposed.host
            let hostID = try store.host(host).id!
            let sweep = try store.beginSweep(SweepRecord(
                hostId: hostID, startedAt: Date(timeIntervalSince1970: 1_795_000_000), commandLine: "poolbench run sleep",
                label: decomposed.label, testbed: decomposed.testbed
            ))
            // Near misses, which must not match: no accent, and another accent.
            let other = try store.host(.fixture).id!
            let plain = try store.beginSweep(SweepRecord(
                hostId: other, startedAt: Date(timeIntervalSince1970: 1_795_000_100), commandLine: "poolbench run sleep",
                label: "cafe", testbed: "ci-e"
            ))
            let grave = try store.beginSweep(SweepRecord(
                hostId: other, startedAt: Date(timeIntervalSince1970: 1_795_000_200), commandLine: "poolbench run sleep",
                label: "cafe\u{300}", testbed: "ci-e\u{300}"
            ))
            for (id, second) in [(sweep.id!, 1.0), (plain.id!, 101), (grave.id!, 201)] {
                for workers in [1, 2, 4] {
                    try store.save(.fixture(
                        sweepId: id, workers: workers, startedAt: Date(timeIntervalSince1970: 1_795_000_000 + second)
                    ))
                }
            }
            #expect(composed.label.unicodeScalars.count != decomposed.label.unicodeScalars.count, "two forms of one text")
            let filters = [
                HistoryFilter(label: composed.label), HistoryFilter(host: composed.host), HistoryFilter(testbed: composed.testbed),
                HistoryFilter(label: decomposed.label), HistoryFilter(workload: "sleep", label: composed.label, testbed: composed.testbed),
            ]
            for filter in filters {
                #expect(try store.sweeps(matching: filter).map(\.sweep.id) == [sweep.id], "\(filter.summary)")
                #expect(try store.sweepCount(matching: filter) == 1, "\(filter.summary)")
                #expect(try Set(store.runs(matching: filter).map(\.sweepId)) == [sweep.id!], "\(filter.summary)")
                let series = try store.seriesRuns(matching: filter, newestSweeps: 10)
                #expect(series.flatMap { $0.sweeps.map(\.id) } == [sweep.id!], "\(filter.summary)")
                #expect(try store.forEachExportRow(matching: filter) { _ in } == 3, "the sweep's three runs, \(filter.summary)")
            }
            #expect(try store.sweeps(idOrLabel: composed.label).map(\.id) == [sweep.id!])
            // Stored as given.
            let stored = try #require(try store.sweep(id: sweep.id!))
            #expect(Array(stored.label!.unicodeScalars) == Array(decomposed.label.unicodeScalars))
            #expect(Array(stored.testbed!.unicodeScalars) == Array(decomposed.testbed.unicodeScalars))
        }
    }

    /// SQLite's `nfc`: composed text as it is, decomposed text composed,
    /// singletons such as the Kelvin sign mapped, other values untouched.
    @Test func sqliteNormalisesTextToNFCAndLeavesOtherValuesAlone() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let row = try store.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT nfc(?), nfc(?), nfc(?), nfc(?), nfc(NULL), nfc(42), nfc('')", arguments: [
                "cafe\u{301}", "caf\u{E9}", "\u{212A}elvin", "東京 e\u{301}",
            ])
        }
        let values = try #require(row)
        #expect(Array((values[0] as String).unicodeScalars) == Array("caf\u{E9}".unicodeScalars))
        #expect(Array((values[1] as String).unicodeScalars) == Array("caf\u{E9}".unicodeScalars))
        #expect(values[2] as String == "Kelvin")
        #expect(Array((values[3] as String).unicodeScalars) == Array("東京 \u{E9}".unicodeScalars))
        #expect(values[4] as String? == nil)
        #expect(values[5] as Int == 42)
        #expect(values[6] as String == "")
    }
}
