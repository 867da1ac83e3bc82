import Foundation
import Testing
@testable import PoolBenchKit

/// The line a job reports on `POOLBENCH_REPORT_FD`, read as a run's measurement.
@Suite struct JobReportTests {
    func parse(_ text: String) throws(JobReportProblem) -> JobReport? {
        try JobReport.parse(Array(text.utf8))
    }

    @Test func aFullLineIsTheRunsMeasurement() throws {
        let report = try parse(#"{"seconds": 1.5, "items": 4, "failed": 1, "latencies": [0.1, 0.2, 0.3]}"# + "\n")
        #expect(report == JobReport(seconds: 1.5, items: 4, failed: 1, latencies: [0.1, 0.2, 0.3]))
    }

    @Test func failedAndLatenciesMayBeLeftOut() throws {
        #expect(try parse(#"{"seconds": 2, "items": 10}"#) == JobReport(seconds: 2, items: 10))
    }

    @Test func nothingOrWhitespaceIsNoReport() throws {
        #expect(try parse("") == nil)
        #expect(try parse(" \n\n") == nil)
    }

    @Test(arguments: [
        ("[1, 2]", "it is not a JSON object"),
        (#"{"items": 2}"#, #"it has no "seconds""#),
        (#"{"seconds": "1", "items": 2}"#, #""seconds" must be a number of seconds above 0"#),
        (#"{"seconds": 1, "items": 2.5}"#, #""items" must be a whole number, 0 or more"#),
        (#"{"seconds": 1, "items": true}"#, #""items" must be a whole number, 0 or more"#),
        (#"{"seconds": 1, "items": -1}"#, #""items" must be a whole number, 0 or more"#),
        (#"{"seconds": 1, "items": 0}"#, #""items" must be at least 1: a run that processed nothing has no throughput"#),
        (#"{"seconds": 1, "items": 2, "failed": 3}"#, #""failed" (3) is more than "items" (2)"#),
        (#"{"seconds": 1, "items": 2, "latencies": [-1]}"#, #""latencies" must be a list of seconds, each 0 or more"#),
        (#"{"seconds": 1, "items": 2, "latencies": "fast"}"#, #""latencies" must be a list of seconds, each 0 or more"#),
        ("{\"seconds\": 1, \"items\": 2}\n{\"seconds\": 1, \"items\": 2}", "it is more than one line; write one JSON object on one line"),
    ])
    func aBadLineSaysWhatIsWrong(line: String, reason: String) {
        #expect(throws: JobReportProblem(reason)) { try parse(line) }
    }

    @Test func aReportAtTheLimitIsRefusedNotCut() {
        #expect(throws: JobReportProblem("it is longer than 16B")) { try JobReport.parse(Array(repeating: 32, count: 16), limit: 16) }
    }

    @Test func aReportIsTheRunsWallTasksFailuresAndLatencies() {
        let result = JobExecutor.result(JobReport(seconds: 0.5, items: 10, failed: 2, latencies: [0.1, 0.2]))
        #expect(result.wallSeconds == 0.5)
        #expect(result.tasks == 10)
        #expect(result.failedTasks == 2)
        #expect(result.latencies == [0.1, 0.2])
        #expect(result.firstError == "the job reported 2 of 10 items failed")
    }
}
