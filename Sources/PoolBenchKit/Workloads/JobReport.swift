import Foundation

/// A job's own measurement of one run, written as one JSON line on the
/// descriptor `POOLBENCH_REPORT_FD` names:
///
///     {"seconds": 1.92, "items": 64, "failed": 2, "latencies": [0.021, 0.019, …]}
///
/// `seconds` is the run's wall time as the program measured it (from its
/// pool's start to its end, without the interpreter's start-up and imports
/// that timing from outside includes); `items` the items it processed (at
/// least 1);
/// `failed` how many of them failed (default 0); `latencies` each succeeded
/// item's latency in seconds (may be empty or left out). A program that
/// writes nothing is timed from outside as before.
public struct JobReport: Sendable, Hashable {
    public var seconds: Double
    public var items: Int
    public var failed: Int
    public var latencies: [Double]

    public init(seconds: Double, items: Int, failed: Int = 0, latencies: [Double] = []) {
        self.seconds = seconds
        self.items = items
        self.failed = failed
        self.latencies = latencies
    }

    /// The report in `bytes`: nil when the program wrote nothing but
    /// whitespace; a sentence saying what is wrong when it wrote something
    /// that is not one such line.
    public static func parse(_ bytes: [UInt8], limit: Int = Int.max) throws(JobReportProblem) -> JobReport? {
        guard bytes.count < limit else { throw JobReportProblem("it is longer than \(Units.formatBytes(limit))") }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard !text.contains(where: \.isNewline) else { throw JobReportProblem("it is more than one line; write one JSON object on one line") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw JobReportProblem("it is not a JSON object")
        }
        let known: Set<String> = ["seconds", "items", "failed", "latencies"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw JobReportProblem("unknown field \"\(VisibleText.escaped(unknown))\"; the fields are seconds, items, failed and latencies")
        }
        let line: Line
        do {
            line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw JobReportProblem("it has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context),
            let DecodingError.valueNotFound(_, context) {
            throw JobReportProblem(Line.expectation(of: context.codingPath.first?.stringValue ?? ""))
        } catch {
            throw JobReportProblem("it is not a JSON object")
        }
        let items = try whole(line.items, "items")
        guard items >= 1 else { throw JobReportProblem("\"items\" must be at least 1: a run that processed nothing has no throughput") }
        let failed = try whole(line.failed ?? 0, "failed")
        let latencies = line.latencies ?? []
        guard line.seconds.isFinite, line.seconds > 0 else { throw JobReportProblem("\"seconds\" must be above 0") }
        guard failed <= items else { throw JobReportProblem("\"failed\" (\(failed)) is more than \"items\" (\(items))") }
        guard latencies.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw JobReportProblem(Line.expectation(of: "latencies")) }
        guard latencies.count <= items - failed else {
            throw JobReportProblem("\"latencies\" lists \(latencies.count) items, more than the \(items - failed) that succeeded")
        }
        return JobReport(seconds: line.seconds, items: items, failed: failed, latencies: latencies)
    }

    /// `value` as a count, or why it is not one.
    private static func whole(_ value: Double, _ name: String) throws(JobReportProblem) -> Int {
        guard value >= 0, value <= 1e15, value == value.rounded() else { throw JobReportProblem(Line.expectation(of: name)) }
        return Int(value)
    }

    /// The line as JSON holds it.
    /// Counts are read as numbers and checked whole here, so `2.5` and
    /// `-1` get the same sentence as `"two"`.
    private struct Line: Decodable {
        var seconds: Double
        var items: Double
        var failed: Double?
        var latencies: [Double]?

        /// What the field `name` must hold, as a clause.
        static func expectation(of name: String) -> String {
            switch name {
            case "seconds": "\"seconds\" must be a number of seconds above 0"
            case "latencies": "\"latencies\" must be a list of seconds, each 0 or more"
            case "items", "failed": "\"\(name)\" must be a whole number, 0 or more"
            default: "it is not a JSON object of seconds, items, failed and latencies"
            }
        }
    }
}

/// Why a job's report line was refused, as a clause: "it is not a JSON object".
public struct JobReportProblem: Error, Sendable, Hashable {
    public var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
