import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct ImportCSVReaderTests {
    /// Every record of `text` with the line it starts on, read in chunks of
    /// `chunkSize` bytes so fields straddle chunk boundaries.
    func records(_ text: String, chunkSize: Int = 3) throws -> [(line: Int, fields: [String], quoted: [Bool])] {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try scratch.write(text, to: "in.csv")
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var reader = CSVReader(descriptor: descriptor, name: path, chunkSize: chunkSize)
        var record = CSVRecord()
        var result: [(Int, [String], [Bool])] = []
        while try reader.next(into: &record) { result.append((reader.recordLine, record.fields, record.quoted)) }
        return result
    }

    func syntaxError(_ text: String) -> CSVSyntaxError? {
        do {
            _ = try records(text)
            return nil
        } catch {
            return error as? CSVSyntaxError
        }
    }

    @Test func recordsEndWithCRLFOrLFAndTheLastMayHaveNoLineEnd() throws {
        let read = try records("a,b\r\nc,d\ne,f")
        #expect(read.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(read.map(\.line) == [1, 2, 3])
    }

    @Test func quotedFieldsHoldCommasDoubledQuotesAndLineBreaks() throws {
        let read = try records("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,\"\"\r\n", chunkSize: 2)
        #expect(read.map(\.fields) == [["a,b", "say \"hi\"", "two\r\nlines"], ["next", ""]])
        #expect(read.map(\.line) == [1, 3])
        #expect(read[1].quoted == [false, true])
    }

    @Test func emptyFieldsAndEmptyLinesAreTellApart() throws {
        let read = try records("a,,\r\n\r\n\n,b\n")
        #expect(read.map(\.fields) == [["a", "", ""], ["", "b"]])
        #expect(read.map(\.line) == [1, 4])
    }

    @Test func aUTF8ByteOrderMarkIsSkippedAndRemembered() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try scratch.write([0xEF, 0xBB, 0xBF] + Array("x,y\r\n".utf8), to: "bom.csv")
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var reader = CSVReader(descriptor: descriptor, name: path)
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.fields == ["x", "y"])
        #expect(reader.startsWithByteOrderMark)
    }

    @Test func aQuoteNeverClosedIsReportedOnTheLineItOpens() {
        #expect(syntaxError("a,b\nc,\"unterminated\nmore text\n") == CSVSyntaxError(
            line: 2, reason: "a quoted field starting on this line is never closed; the file looks truncated"
        ))
    }

    @Test func textAfterAClosingQuoteOrAQuoteInsideAnUnquotedFieldIsAnError() {
        #expect(syntaxError("a\n\"x\"y\n")?.line == 2)
        #expect(syntaxError("a\nx\"y\"\n")?.reason.hasPrefix("a quote inside an unquoted field") == true)
    }

    @Test func aCarriageReturnThatDoesNotEndTheLineIsAnError() {
        #expect(syntaxError("a\rb\n")?.reason == "a carriage return outside quotes that does not end the line")
        #expect(syntaxError("a\r")?.line == 1)
    }
}

extension ImportCSVReaderTests {
    @Test func aRowOfMoreFieldsThanTheBoundIsRefusedNamingItsLine() throws {
        let bound = CSVReader.maximumFields
        let widest = String(repeating: ",", count: bound - 1)
        #expect(try records("a\n" + widest + "\n", chunkSize: 4096).map(\.fields.count) == [1, bound])
        let reason = "a row of more than \(bound) fields, where an export has \(ExportColumn.allCases.count)"
        #expect(syntaxError("a\n" + widest + ",\n") == CSVSyntaxError(line: 2, reason: reason))
        #expect(syntaxError("a\n\"x\"," + widest + "\n") == CSVSyntaxError(line: 2, reason: reason), "a quoted field counts too")
        #expect(syntaxError("a\n" + String(repeating: ",", count: 100_000)) == CSVSyntaxError(line: 2, reason: reason))
    }
}
