import Foundation
import Testing
@testable import PoolBenchKit

/// A long cell is cut in tables for people, and kept whole for machines.
@Suite struct TableCellTests {
    @Test func aLongLabelNoLongerWidensEveryRowOfHistory() throws {
        let long = String(repeating: "long label ", count: 11_000)
        let report = HistoryReport.sweeps([listing(id: 1, label: long), listing(id: 2, label: "short")])
        let text = try TextTableFormatter().format(report)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        for line in lines {
            #expect(Table.displayWidth(of: line) <= 160, "\(line.prefix(200))")
        }
        let cut = String(long.prefix(Table.widestCell - 1)) + "…"
        #expect(lines[2].contains(cut))
        #expect(lines[3].contains("short"))
        // The machine formats keep every character.
        #expect(try JSONReportFormatter().format(report).contains(long))
        #expect(try MarkdownFormatter().format(report).contains(long))
    }

    @Test func aCellThatFitsIsUntouchedAndOneColumnMoreIsCut() {
        let fits = String(repeating: "x", count: Table.widestCell)
        #expect(Table.cut(fits, to: Table.widestCell) == fits)
        #expect(Table.cut(fits + "y", to: Table.widestCell) == String(repeating: "x", count: Table.widestCell - 1) + "…")
        #expect(Table.cut("", to: 5) == "")
    }

    @Test func wideCharactersCountTwoColumnsAndAccentsStayWithTheirLetter() {
        // 東 and 👩‍👩‍👧 take two columns each; e + U+0301 is one character in one column.
        #expect(Table.displayWidth(of: "東京") == 4)
        #expect(Table.displayWidth(of: "e\u{301}") == 1)
        #expect(Table.displayWidth(of: "👩‍👩‍👧") == 2)
        #expect(Table.cut(String(repeating: "東", count: 40), to: 10) == "東東東東…")
        let accented = Table.cut(String(repeating: "e\u{301}", count: 40), to: 10)
        #expect(accented == String(repeating: "e\u{301}", count: 9) + "…")
        #expect(Table.displayWidth(of: accented) == 10)
        #expect(Table.cut("ab👩‍👩‍👧cd", to: 5) == "ab👩‍👩‍👧…")
        #expect(Table.cut("ab👩‍👩‍👧cd", to: 4) == "ab…", "a two-column character that leaves no room for the ellipsis goes whole")
    }

    /// `trend --last 100` draws a sparkline of 100 blocks: a chart read to
    /// its newest end, which a cut would lose.
    @Test func aColumnThatKeepsWholeCellsIsNotCut() throws {
        let spark = String(repeating: "▁▂▃▄▅▆▇█", count: 13)
        let table = Table(
            columns: [.init("label"), .init("trend", keepsWholeCells: true)], rows: [[String(repeating: "l", count: 100), spark]]
        )
        let text = TextTableFormatter().render(table.cuttingCells(to: Table.widestCell))
        #expect(text.contains(spark))
        #expect(text.contains(String(repeating: "l", count: 59) + "…  "))
    }

    @Test func columnsOfWideTextStayAligned() {
        let table = Table(columns: [.init("name"), .init("n", .right)], rows: [["東京", "1"], ["ab", "22"]])
        #expect(TextTableFormatter().render(table) == "name   n\n────  ──\n東京   1\nab    22\n")
    }

    private func listing(id: Int64, label: String) -> SweepListing {
        SweepListing(
            sweep: SweepRecord(id: id, hostId: 1, startedAt: Date(timeIntervalSince1970: 1_795_000_000), commandLine: "poolbench run sleep", label: label),
            hostName: "bench", workloads: ["sleep duration=10ms"], executors: ["pool"], points: 3, runs: 9, errors: 0
        )
    }
}
