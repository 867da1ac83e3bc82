import ArgumentParser
import PoolBenchKit

/// `--workers 1,2,4,8` or `--workers 1...64` (every count in the range).
enum WorkerCounts {
    static let limit = SweepPlan.maxWorkers

    /// The counts in `text`, sorted and without repeats, or a sentence
    /// saying what is wrong with it.
    static func parse(_ text: String) throws(ValidationError) -> [Int] {
        func count(_ part: some StringProtocol) throws(ValidationError) -> Int {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = Int(trimmed) else {
                throw ValidationError("--workers '\(text)': '\(trimmed)' is not a whole number; use a list like 1,2,4,8 or a range like 1...64.")
            }
            guard value >= 1 else { throw ValidationError("--workers '\(text)': worker counts must be at least 1.") }
            guard value <= limit else {
                throw ValidationError("--workers '\(text)': at most \(limit) workers; \(value) is too many.")
            }
            return value
        }
        if let range = text.range(of: "...") {
            let low = try count(text[..<range.lowerBound]), high = try count(text[range.upperBound...])
            guard low <= high else {
                throw ValidationError("--workers '\(text)': a range runs from low to high, e.g. \(high)...\(low).")
            }
            return Array(low...high)
        }
        var counts: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) { counts.append(try count(part)) }
        return Array(Set(counts)).sorted()
    }
}
