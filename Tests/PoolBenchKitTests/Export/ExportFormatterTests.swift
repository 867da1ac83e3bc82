import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct CSVExportFormatterTests {
    let neutralising = CSVExportFormatter(neutralise: true)
    let raw = CSVExportFormatter(neutralise: false)
    let commas = String(repeating: ",", count: ExportColumn.allCases.count - 1)

    /// The row `formatter` writes with `text` in the label column, minus the
    /// empty columns around it.
    func label(_ text: String, _ formatter: CSVExportFormatter) -> String {
        let line = formatted(row(.label, .text(text)), with: formatter)
        let before = String(repeating: ",", count: ExportColumn.label.index)
        let after = String(repeating: ",", count: ExportColumn.allCases.count - 1 - ExportColumn.label.index)
        #expect(line.hasPrefix(before) && line.hasSuffix(after + "\r\n"))
        return String(line.dropFirst(before.count).dropLast(after.count + 1))  // "\r\n" is one Character
    }

    @Test func theHeaderNamesEveryColumnInOrderAndEndsWithCRLF() {
        var output = OutputBuffer()
        raw.writeHeader(to: &output)
        #expect(String(decoding: output.bytes, as: UTF8.self) == ExportColumn.header.joined(separator: ",") + "\r\n")
        #expect(ExportColumn.header.prefix(3) == ["runUuid", "startedAt", "workload"])
        #expect(ExportColumn.header[35] == "hostPoolbenchVersion")
        #expect(ExportColumn.header[36] == "bytesReceived")
        #expect(ExportColumn.header.suffix(8) == [
            "machineCpuSeconds", "otherCpuSeconds", "stealSeconds", "testbed", "failures", "failedLatencyP50",
            "steadyThroughput", "workloadSpec",
        ], "new columns go at the end")
        #expect(ExportColumn.header.count == 45)
    }

    @Test func aNeutralisingExportStartsWithAByteOrderMarkAndARawOneDoesNot() {
        var output = OutputBuffer()
        neutralising.writeHeader(to: &output)
        #expect(output.bytes.prefix(4) == [0xEF, 0xBB, 0xBF, UInt8(ascii: "r")])
        output = OutputBuffer()
        raw.writeHeader(to: &output)
        #expect(output.bytes.first == UInt8(ascii: "r"))
    }

    @Test func unknownValuesAreEmptyFieldsAndEveryRowEndsWithCRLF() {
        #expect(formatted(row(.label, .null), with: raw) == commas + "\r\n")
    }

    @Test func emptyTextIsAPairOfQuotesSoItDiffersFromUnknown() {
        #expect(label("", raw) == "\"\"")
    }

    @Test func fieldsWithCommasQuotesOrLineBreaksAreQuotedWithQuotesDoubled() {
        #expect(label("plain text", raw) == "plain text")
        #expect(label("a,b", raw) == "\"a,b\"")
        #expect(label("say \"hi\"", raw) == "\"say \"\"hi\"\"\"")
        #expect(label("two\nlines", raw) == "\"two\nlines\"")
        #expect(label("cr\rhere", raw) == "\"cr\rhere\"")
        #expect(label("\"", raw) == "\"\"\"\"")
    }

    @Test func fieldsStartingOrEndingWithWhitespaceAreQuotedSoNoReaderTrimsThem() {
        #expect(label(" padded", raw) == "\" padded\"")
        #expect(label("padded ", raw) == "\"padded \"")
        #expect(label("in side", raw) == "in side")
    }

    @Test func nonASCIITextIsWrittenAsUTF8Unchanged() {
        #expect(label("Zürich — 東京 ☕️", neutralising) == "Zürich — 東京 ☕️")
    }

    @Test func formulaLikeTextGetsALeadingApostrophe() {
        #expect(label("=1+1", neutralising) == "'=1+1")
        #expect(label("+1", neutralising) == "'+1")
        #expect(label("-1", neutralising) == "'-1")
        #expect(label("@SUM(A1)", neutralising) == "'@SUM(A1)")
        #expect(label("\tx", neutralising) == "'\tx")
        #expect(label("\rx", neutralising) == "\"'\rx\"")
        #expect(label("=HYPERLINK(\"x\",\"y\")", neutralising) == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
    }

    @Test func textThatOnlyLooksQuotedIsLeftAloneButQuotedFormulasGetOneMoreApostrophe() {
        #expect(label("'apostrophe", neutralising) == "'apostrophe")
        #expect(label("a=b", neutralising) == "a=b")
        #expect(label("'=x", neutralising) == "''=x")
        #expect(label("''-x", neutralising) == "'''-x")
    }

    @Test func aSemicolonIsQuotedSoASpreadsheetSplittingOnThemStartsNoFormulaCell() {
        #expect(label("x;=cmd|' /C calc'!A0", neutralising) == "\"x;=cmd|' /C calc'!A0\"")
        #expect(label("a;b", raw) == "a;b", "raw output quotes only what RFC 4180 asks")
    }

    @Test func rawExportsLeaveFormulaLikeTextAsItIs() {
        #expect(label("=1+1", raw) == "=1+1")
        #expect(label("-1", raw) == "-1")
    }

    @Test func negativeNumbersAreNumbersAndNeverNeutralised() {
        let line = formatted(row(.latencyP50, .real(-1.5), filler: .null), with: neutralising)
        #expect(line.contains(",-1.5,"))
        #expect(!line.contains("'"))
        #expect(formatted(row(.peakRssBytes, .integer(-42)), with: neutralising).contains(",-42,"))
    }

    @Test func numbersUseThePointAndNoGroupingAndTheShortestRoundTripDigits() {
        func number(_ value: ExportValues.Value) -> String {
            formatted(row(.throughput, value), with: raw).split(separator: ",", omittingEmptySubsequences: false)[
                ExportColumn.throughput.index
            ].description
        }
        #expect(number(.real(0.1 + 0.2)) == "0.30000000000000004")
        #expect(number(.real(100)) == "100.0")
        #expect(number(.real(1234567.5)) == "1234567.5")
        #expect(number(.real(0.00001)) == "1e-05")
        #expect(number(.real(.infinity)) == "Infinity")
        #expect(number(.integer(25_769_803_776)) == "25769803776")
        #expect(number(.integer(Int64.min)) == "-9223372036854775808")
        #expect(number(.integer(0)) == "0")
        for value in [0.1, 1.0 / 3, 123.456e-300, 9_007_199_254_740_994, .pi] {
            #expect(Double(number(.real(value))) == value)
        }
    }
}

@Suite struct JSONLinesExportFormatterTests {
    let formatter = JSONLinesExportFormatter()

    @Test func eachRunIsOneObjectWithEveryKeyInColumnOrderOnItsOwnLine() throws {
        let line = formatted(row(.workers, .integer(4)), with: formatter)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object.count == 45)
        #expect(object["workers"] as? Int == 4)
        #expect(object["label"] is NSNull)
        let keys = ExportColumn.header.map { "\"\($0)\":" }
        let positions = keys.map { line.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func numbersAreNumbersAndTextIsEscaped() throws {
        var values = row(.label, .text("quote \" backslash \\ newline \n tab \t bell \u{7} 東京"))
        values[ExportColumn.throughput.index] = .real(0.1)
        values[ExportColumn.wallSeconds.index] = .real(-.infinity)
        let line = formatted(values, with: formatter)
        #expect(line.contains(#""label":"quote \" backslash \\ newline \n tab \t bell \u0007 東京""#))
        #expect(line.contains(#""throughput":0.1,"#))
        #expect(line.contains(#""wallSeconds":"-Infinity","#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["label"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7} 東京")
        #expect(object["throughput"] as? Double == 0.1)
    }

    @Test func textIsNeverNeutralised() {
        #expect(formatted(row(.label, .text("=1+1")), with: formatter).contains(#""label":"=1+1""#))
    }
}
