import Foundation

/// The history's time format: ISO 8601 UTC with milliseconds,
/// `2026-11-21T23:29:21.123Z`. Fixed width, so text order is time order.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        var seconds = time_t(Int64((milliseconds / 1000).rounded(.down)))
        let millis = Int(milliseconds - Double(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis
        )
    }

    /// Reads the stored format, and the shorter forms people type:
    /// `2026-11-21`, `2026-11-21T23:29`, `2026-11-21 23:29:21`, with an
    /// optional `Z`; all are UTC. Nil when the text is none of these.
    ///
    /// A leap second, `23:59:60` (with or without a fraction), is the last
    /// second of its day in UTC, and this clock (like POSIX time) has no
    /// room for it: it is read as that day's last stored millisecond,
    /// `23:59:59.999`, so it stays within its day whether it starts or ends
    /// a period. Second 60 of any other minute is refused like any other
    /// time that does not exist.
    public static func parse(_ text: String) -> Date? {
        parsePeriod(text)?.start
    }

    /// The last stored millisecond of the period `text` names: all of
    /// 2026-11-21 for `2026-11-21`, all of that minute for `2026-11-21T08:05`.
    /// An upper bound people type means "up to and including" that period.
    public static func parseEnd(_ text: String) -> Date? {
        guard let (start, length) = parsePeriod(text) else { return nil }
        // Half a millisecond short of the next period, so `format`, which
        // rounds down, writes its last millisecond.
        return length > 0 ? start.addingTimeInterval(length - 0.0005) : start
    }

    /// When the period `text` names starts, and how many seconds it lasts
    /// (0 for a time given to the fraction of a second).
    private static func parsePeriod(_ text: String) -> (start: Date, length: Double)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let body = trimmed.hasSuffix("Z") ? String(trimmed.dropLast()) : trimmed
        let scanner = Array(body.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= scanner.count else { return nil }
            var value = 0
            for byte in scanner[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func separator(_ index: Int, _ allowed: String) -> Bool {
            index < scanner.count && allowed.utf8.contains(scanner[index])
        }
        guard let year = digits(0, 4), separator(4, "-"), let month = digits(5, 2), separator(7, "-"),
              let day = digits(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        var index = 10
        var length = 86_400.0
        if scanner.count > 10 {
            guard separator(10, "T "), let h = digits(11, 2), separator(13, ":"), let m = digits(14, 2),
                  h < 24, m < 60
            else { return nil }
            (hour, minute, index, length) = (h, m, 16, 60)
            if scanner.count > 16 {
                guard separator(16, ":"), let s = digits(17, 2), s < 60 || (s == 60 && h == 23 && m == 59) else {
                    return nil
                }
                (second, index, length) = (s, 19, 1)
                if scanner.count > 19 {
                    guard separator(19, "."), scanner.count > 20 else { return nil }
                    let fraction = scanner.count - 20
                    guard fraction <= 9, let f = digits(20, fraction) else { return nil }
                    millis = f * 1000 / Int(pow(10.0, Double(fraction)))
                    (index, length) = (scanner.count, 0)
                }
            }
        }
        guard index == scanner.count else { return nil }
        if second == 60 { (second, millis, length) = (59, 999, 0) }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 February into March; refuse such dates.
        guard parts.tm_mday == Int32(day) else { return nil }
        return (Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000), length)
    }
}
