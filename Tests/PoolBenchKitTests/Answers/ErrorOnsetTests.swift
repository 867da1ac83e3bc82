import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Errors in the answer")
    struct ErrorOnsetTests {
        /// Three runs of 60 tasks per count: flat throughput from `limit`
        /// workers on (refusals are fast, so the succeeded tasks keep the
        /// plateau), and past `limit`, `failed(n)` of each run's tasks refused.
        func rateLimited(limit: Int, upTo largest: Int, failed: (Int) -> Int) -> [Sample] {
            (1...largest).flatMap { n in
                [0.99, 1.0, 1.01].map { factor in
                    let errors = failed(n)
                    return Sample(
                        sweepID: 1, sweepStartedAt: Date(timeIntervalSince1970: 0), workers: n,
                        throughput: 50 * Double(min(n, limit)) * factor, wallSeconds: 1, latencyP50: 0.02, latencyP99: 0.03,
                        cpuSeconds: nil, tasks: 60, errorCount: errors, firstError: errors > 0 ? "GET http://api/: status 429" : nil,
                        failures: FailureCounts(errors > 0 ? [.http(429): errors] : [:])
                    )
                }
            }
        }

        @Test("The Wilson bounds match the published formula's values")
        func wilsonBounds() {
            // 10 failures of 100 at z = 1.96: 0.0552 to 0.1744 (Brown, Cai & DasGupta's Wilson interval).
            let bounds = ErrorOnset.wilson(TaskTally(tasks: 100, failed: 10), z: 1.959964)
            #expect(abs(bounds.lower - 0.05523) < 1e-4)
            #expect(abs(bounds.upper - 0.17437) < 1e-4)
            // No failures still bound the rate above 0: z² / (n + z²).
            let clean = ErrorOnset.wilson(TaskTally(tasks: 540, failed: 0), z: 2.326348)
            #expect(clean.lower == 0)
            #expect(abs(clean.upper - 2.326348 * 2.326348 / (540 + 2.326348 * 2.326348)) < 1e-12)
        }

        @Test("A rate-limited curve is answered below the errors, whatever the throughput past them")
        func rateLimitedCurve() throws {
            // Past 8 workers a fifth and more of the tasks are refused, yet
            // the succeeded tasks' throughput stays on the plateau: the knee
            // rule alone would happily answer from 8 to 16.
            let samples = rateLimited(limit: 8, upTo: 16) { n in n > 8 ? min(12 * (n - 8), 55) : 0 }
            let answer = Knee.recommend(samples, seed: 1)
            #expect(answer.recommendedWorkers == 8)
            #expect(answer.errorOnsetWorkers == 9)
            let onset = try #require(answer.errorOnset)
            #expect(onset.kinds == [ErrorKindCount(kind: .http(429), count: 36)])
            #expect(onset.sentence == "from 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests")
            #expect(answer.points.first { $0.workers == 12 }?.errorRate == 48.0 / 60)
            #expect(answer.points.filter(\.significantErrors).map(\.workers) == Array(9...16))
            #expect(answer.points.map(\.workers) == Array(1...16), "the failing counts stay on the curve")
            #expect(answer.plateauReached && answer.nextRange == nil)
        }

        @Test("Without errors no count is marked and the answer is the knee")
        func noErrorsNoChange() {
            let answer = Knee.recommend(rateLimited(limit: 8, upTo: 16) { _ in 0 }, seed: 1)
            #expect(answer.errorOnsetWorkers == nil && answer.errorOnset == nil)
            #expect(answer.points.allSatisfy { $0.errorRate == 0 && !$0.significantErrors })
            #expect(answer.recommendedWorkers == 8)
        }

        @Test("A rare error, or one every count has, is not an onset")
        func backgroundErrorsAreNotAnOnset() throws {
            // One refusal in 180 tasks at 12: not significantly above the error-free counts.
            var rare = rateLimited(limit: 8, upTo: 16) { _ in 0 }
            let first = try #require(rare.firstIndex { $0.workers == 12 })
            rare[first].errorCount = 1
            #expect(ErrorOnset.decide(rare).onsetWorkers == nil)
            // Three in 180, against none in 2,700 at the other counts, is.
            #expect(ErrorOnset.decide(rateLimited(limit: 8, upTo: 16) { n in n == 12 ? 1 : 0 }).onsetWorkers == 12)
            // Every count loses one task in 60: the baseline has errors too.
            let everywhere = rateLimited(limit: 8, upTo: 16) { _ in 1 }
            #expect(ErrorOnset.decide(everywhere).onsetWorkers == nil)
            #expect(Knee.recommend(everywhere, seed: 1).recommendedWorkers == 8)
        }

        @Test("--max-error-rate accepts failures below it and still refuses those significantly above")
        func maxErrorRate() {
            let samples = rateLimited(limit: 8, upTo: 16) { n in n > 8 ? (n - 8) * 3 : 0 }
            // 9 loses 5%, 10 10%, 11 15%, … of its tasks.
            #expect(ErrorOnset.decide(samples).onsetWorkers == 9)
            #expect(ErrorOnset.decide(samples, maxErrorRate: 0.5).onsetWorkers == nil)
            let accepting = Knee.recommend(samples, seed: 1, maxErrorRate: 0.5)
            #expect(accepting.errorOnsetWorkers == nil)
            #expect(accepting.maxErrorRate == 0.5)
            let someAccepted = ErrorOnset.decide(samples, maxErrorRate: 0.1)
            #expect(someAccepted.onsetWorkers.map { $0 > 10 } == true)
        }

        @Test("Errors from the fewest workers tested leave nothing to recommend, and say why")
        func errorsEverywhere() {
            // Every count fails half its tasks: the baseline is the lowest
            // rate, and nothing is significantly above it.
            #expect(Knee.recommend(rateLimited(limit: 8, upTo: 4) { _ in 30 }, seed: 1).errorOnsetWorkers == nil)
            // 1 and 2 workers fail half their tasks, 3 and 4 none.
            let samples = rateLimited(limit: 8, upTo: 4) { n in n <= 2 ? 30 : 0 }
            let answer = Knee.recommend(samples, seed: 1)
            #expect(answer.errorOnsetWorkers == 1)
            #expect(answer.recommendedWorkers == nil)
            #expect(answer.method == .errorsAtEveryCount)
            #expect(answer.reason.contains("--max-error-rate"))
        }

        @Test("best's text and JSON say where errors start and what they were")
        func bestReportsTheOnset() throws {
            let samples = rateLimited(limit: 8, upTo: 16) { n in n > 8 ? min(12 * (n - 8), 55) : 0 }
            let series = SeriesRuns(
                key: SeriesKey(workload: "http", parameters: "url=http://api/", executor: "pool"), host: "bench",
                testbed: nil, logicalCores: 2,
                sweeps: [SweepStamp(id: 1, startedAt: Date(timeIntervalSince1970: 0), label: nil, host: "bench", logicalCores: 2)],
                samples: samples
            )
            let report = BestAnswer(series: [series], newestSweeps: 10)
            let text = try render(report, as: .table)
            #expect(text.contains("Errors: From 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests"), "\(text)")
            #expect(text.contains("✗ 20% failed"))
            let json = try jsonObject(report)
            let answer = try #require((json["answers"] as? [[String: Any]])?.first)
            #expect(answer["recommendedWorkers"] as? Int == 8)
            #expect(answer["errorOnsetWorkers"] as? Int == 9)
            let kinds = try #require(answer["errorKinds"] as? [[String: Any]])
            #expect(kinds.first?["kind"] as? String == "http 429")
            #expect(kinds.first?["phrase"] as? String == "HTTP 429 Too Many Requests")
            let points = try #require(answer["points"] as? [[String: Any]])
            #expect(points.first { $0["workers"] as? Int == 9 }?["errorRate"] as? Double == 0.2)
            #expect(points.first { $0["workers"] as? Int == 1 }?["errorRate"] as? Double == 0)
        }

        @Test("The answer under --max-p99 never names a count past the error onset either")
        func latencyLimitedAnswerStaysBelowTheOnset() throws {
            // 8 workers ask for 90% of the API's rate: past them the
            // succeeded tasks reach the rate itself, 11% more. The refused
            // tasks are fast and kept apart, so every count's p99 is within the limit.
            let samples = rateLimited(limit: 8, upTo: 16) { n in n > 8 ? min(12 * (n - 8), 55) : 0 }.map { sample in
                var sample = sample
                if sample.workers > 8 { sample.throughput *= 1.11 }
                return sample
            }
            let series = SeriesRuns(
                key: SeriesKey(workload: "http", parameters: "url=http://api/", executor: "pool"), host: "bench",
                testbed: nil, logicalCores: 2,
                sweeps: [SweepStamp(id: 1, startedAt: Date(timeIntervalSince1970: 0), label: nil, host: "bench", logicalCores: 2)],
                samples: samples
            )
            let answer = try #require(BestAnswer(series: [series], newestSweeps: 10, latencyLimit: 0.05).answers.first)
            let limited = try #require(answer.latencyLimited?.limitedWorkers)
            #expect(limited <= 8)
            // Judged on every count, the limit alone would answer past the onset.
            let unfiltered = LatencyLimit.answer(samples, limit: 0.05, tolerance: 0.05, seed: 0).limitedWorkers
            #expect(unfiltered.map { $0 > 8 } == true, "\(String(describing: unfiltered))")
        }

        @Test("Re-sent requests (http --retries) are neither failed tasks nor an error kind")
        func retriesAreNotErrors() throws {
            // Past 4 workers every run re-sent requests, and from 8 on some tasks still failed.
            let samples = rateLimited(limit: 4, upTo: 10) { n in n >= 8 ? 12 : 0 }.map { sample in
                var sample = sample
                if sample.workers > 4 { sample.failures.add(.retried(.http(429)), 40 * (sample.workers - 4)) }
                return sample
            }
            let onset = ErrorOnset.decide(samples)
            #expect(onset.onsetWorkers == 8)
            let summary = try #require(onset.summary(samples))
            #expect(summary.kinds.map(\.kind) == ["http 429"])
            #expect(summary.sentence == "from 8 workers, 20% of tasks failed: HTTP 429 Too Many Requests")

            let retriedOnly = rateLimited(limit: 4, upTo: 10) { _ in 0 }.map { sample in
                var sample = sample
                sample.failures.add(.retried(.http(429)), sample.workers * 10)
                return sample
            }
            #expect(ErrorOnset.decide(retriedOnly).onsetWorkers == nil)
        }

        @Test("A task's error is counted by its kind")
        func failureKinds() {
            #expect(FailureKind(of: PoolBenchError.requestFailed(method: "GET", url: "u", reason: "status 429")) == .http(429))
            #expect(FailureKind(of: PoolBenchError.requestFailed(method: "GET", url: "u", reason: "timed out after 30s")) == .timeout)
            #expect(FailureKind(of: PoolBenchError.requestFailed(method: "GET", url: "u", reason: "connection refused")) == .refused)
            #expect(FailureKind(of: PoolBenchError.requestFailed(method: "GET", url: "u", reason: "connection reset by peer")) == .reset)
            #expect(FailureKind(of: PoolBenchError.commandFailed(program: "p", status: "exited with status 3", firstLine: nil)) == .exit(3))
            #expect(FailureKind(of: PoolBenchError.commandFailed(program: "p", status: "was killed by signal 9", firstLine: nil)) == .signal(9))
            #expect(FailureKind(of: PoolBenchError.wrongResult(workload: "cpu", expected: "1", actual: "2")) == .other)
            #expect(FailureKind.http(503).phrase == "HTTP 503 Service Unavailable")
        }

        @Test("Failure counts survive their JSON, and damaged JSON is not taken for counts")
        func failureCountsJSON() {
            let counts = FailureCounts([.http(429): 31, .timeout: 2])
            #expect(counts.json == #"{"http 429":31,"timeout":2}"#)
            #expect(FailureCounts(json: counts.json!) == counts)
            #expect(FailureCounts().json == nil)
            for damaged in ["", "[]", "{\"a\":-1}", "{\"a\":1.5}", "{\"a\":\"x\"}", "not json"] {
                #expect(FailureCounts(json: damaged) == nil, "\(damaged)")
            }
        }
    }
}
