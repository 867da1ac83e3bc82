import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct TimestampTests {
    @Test func timesFormatAsFixedWidthUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_795_303_761.123)
        #expect(Timestamp.format(date) == "2026-11-21T23:29:21.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func theStoredFormatReadsBackToTheSameMillisecond() throws {
        let text = "2026-11-21T23:29:21.123Z"
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == text)
    }

    @Test(arguments: [
        ("2026-11-21", "2026-11-21T00:00:00.000Z"),
        ("2026-11-21T08:05", "2026-11-21T08:05:00.000Z"),
        ("2026-11-21 08:05:09", "2026-11-21T08:05:09.000Z"),
        ("2026-11-21T08:05:09.5Z", "2026-11-21T08:05:09.500Z"),
    ])
    func shorterFormsReadAsUTC(text: String, stored: String) throws {
        #expect(Timestamp.format(try #require(Timestamp.parse(text))) == stored)
    }

    @Test(arguments: [
        ("2026-11-21", "2026-11-21T23:59:59.999Z"),
        ("2026-11-21T08:05", "2026-11-21T08:05:59.999Z"),
        ("2026-11-21 08:05:09", "2026-11-21T08:05:09.999Z"),
        ("2026-11-21T08:05:09.5Z", "2026-11-21T08:05:09.500Z"),
        ("2026-12-31", "2026-12-31T23:59:59.999Z"),
    ])
    func anUpperBoundTakesInTheWholePeriodItNames(text: String, end: String) throws {
        #expect(Timestamp.format(try #require(Timestamp.parseEnd(text))) == end)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-02-31", "2026-11-21T25:00", "2026-11-21T08:05:09.", "2026-11-21x"])
    func nonsenseIsRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    /// A leap second is the last second of a UTC day; read as that day's
    /// last millisecond, it bounds a period within its own day either way.
    @Test(arguments: ["2016-12-31T23:59:60", "2016-12-31T23:59:60Z", "2016-12-31 23:59:60.5", "2016-12-31T23:59:60.123Z"])
    func aLeapSecondIsTheLastMillisecondOfItsDay(text: String) throws {
        #expect(Timestamp.format(try #require(Timestamp.parse(text))) == "2016-12-31T23:59:59.999Z")
        #expect(Timestamp.format(try #require(Timestamp.parseEnd(text))) == "2016-12-31T23:59:59.999Z")
    }

    /// Second 60 exists only at the end of a day; anywhere else it was
    /// read as the next minute's first second.
    @Test(arguments: ["2026-11-21T12:59:60", "2026-11-21T23:58:60", "2026-11-21T22:59:60", "2026-11-21T00:00:60", "2016-12-31T23:59:61"])
    func secondSixtyAnywhereButTheEndOfADayIsRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
        #expect(Timestamp.parseEnd(text) == nil)
    }
}
