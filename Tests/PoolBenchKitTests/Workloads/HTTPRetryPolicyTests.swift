import Foundation
import Testing
@testable import PoolBenchKit

/// When an `http --retries` task sends again, and how long it waits.
@Suite struct HTTPRetryPolicyTests {
    let now = Date(timeIntervalSince1970: 784_111_777) // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func onlyA429OrA503IsRetriedAndAtMostNTimes() {
        let policy = HTTPRetryPolicy(retries: 2, cap: 30)
        #expect(policy.shouldRetry(status: 429, attempt: 0))
        #expect(policy.shouldRetry(status: 503, attempt: 1))
        #expect(!policy.shouldRetry(status: 503, attempt: 2))
        for status: UInt in [200, 404, 500, 502, 504] {
            #expect(!policy.shouldRetry(status: status, attempt: 0), "\(status)")
        }
        #expect(!HTTPRetryPolicy(retries: 0, cap: 30).shouldRetry(status: 429, attempt: 0))
    }

    @Test func withoutRetryAfterTheWaitIsFullJitterUnderADoublingCeiling() {
        let policy = HTTPRetryPolicy(retries: 10, base: 0.1, cap: 1)
        // Ceilings 0.1, 0.2, 0.4, 0.8, then the cap: a draw of 0.5 waits half of each.
        let halves = (1...6).map { policy.delay(beforeRetry: $0, retryAfter: nil, now: now, unit: 0.5) }
        #expect(halves == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5])
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, now: now, unit: 0) == 0)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, now: now, unit: 0.999) < 0.4)
    }

    @Test func aSeededScheduleIsTheSameEveryTimeAndStaysUnderItsCeilings() {
        let policy = HTTPRetryPolicy(retries: 5, cap: 30)
        func schedule() -> [Double] {
            var generator = SeededGenerator(seed: 42)
            return (1...5).map { policy.delay(beforeRetry: $0, retryAfter: nil, now: now, unit: generator.nextUnit()) }
        }
        let first = schedule()
        #expect(first == schedule())
        for (retry, wait) in first.enumerated() {
            #expect(wait >= 0 && wait < 0.1 * pow(2, Double(retry)), "\(first)")
        }
        #expect(Set(first).count == 5)
    }

    @Test func retryAfterInSecondsIsObeyedUpToTheCap() {
        let policy = HTTPRetryPolicy(retries: 3, cap: 5)
        #expect(policy.delay(beforeRetry: 1, retryAfter: "2", now: now, unit: 0.5) == 2)
        #expect(policy.delay(beforeRetry: 1, retryAfter: " 0 ", now: now, unit: 0.5) == 0)
        #expect(policy.delay(beforeRetry: 1, retryAfter: "120", now: now, unit: 0.5) == 5)
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:40 GMT", 3.0),
        ("Sunday, 06-Nov-94 08:49:47 GMT", 10.0),
        ("Sun Nov  6 08:49:39 1994", 2.0),
        ("Sun, 06 Nov 1994 08:00:00 GMT", 0.0),
    ])
    func retryAfterAsAnHTTPDateWaitsUntilThen(value: String, seconds: Double) {
        #expect(HTTPRetryPolicy.seconds(retryAfter: value, now: now) == seconds)
    }

    @Test(arguments: ["", "soon", "-1", "1.5", "Sun, 06 Nov 1994", "٣"])
    func aMalformedRetryAfterFallsBackToBackoff(value: String) {
        #expect(HTTPRetryPolicy.seconds(retryAfter: value, now: now) == nil)
        let policy = HTTPRetryPolicy(retries: 3, base: 0.1, cap: 30)
        #expect(policy.delay(beforeRetry: 2, retryAfter: value, now: now, unit: 0.5) == 0.1)
    }

    @Test func aRetryingRequestIsItsOwnSeriesAndReadsBack() {
        let spec = WorkloadSpec.http(HTTPRequestSpec(urls: ["http://127.0.0.1:8080/"], timeout: 5, retries: 3))
        #expect(spec.parameterText == "url=http://127.0.0.1:8080/ timeout=5s retries=3")
        #expect(spec.storedJSON.flatMap(WorkloadSpec.init(storedJSON:)) == spec)
        #expect(spec.runArguments(executor: "pool", workers: "1,2").contains("--retries"))
    }

    @Test func retriesAreCountedApartFromFailedTasks() {
        let counts = FailureCounts([.http(429): 2, .retried(.http(429)): 7, .retried(.http(503)): 1])
        #expect(counts.json == #"{"http 429":2,"retried http 429":7,"retried http 503":1}"#)
        #expect(counts.failedTasks == FailureCounts([.http(429): 2]))
        #expect(counts.retries.total == 8)
        #expect(FailureKind.retried(.http(429)).isRetry && !FailureKind.http(429).isRetry)
        #expect(FailureKind.retried(.http(429)).phrase == "retried after HTTP 429 Too Many Requests")
        let later = FailureCounts([.http(429): 2, .retried(.http(429)): 10, .retried(.http(503)): 1])
        #expect(later.since(counts) == FailureCounts([.retried(.http(429)): 3]))
    }

    @Test func aWorkerSendsItsRetriesOnALinePerKind() {
        let retries = WorkerRetries(task: 4, counts: FailureCounts([.retried(.http(429)): 2, .retried(.http(503)): 1]))
        #expect(retries.lines == "retried 4 retried_http_429 2\nretried 4 retried_http_503 1\n")
        #expect(WorkerRetries(line: "retried 4 retried_http_429 2") == WorkerRetries(task: 4, counts: FailureCounts([.retried(.http(429)): 2])))
        #expect(WorkerRetries(line: "retried 4 http_429 2") == nil)
        #expect(WorkerRetries(line: "retried 4 retried_http_429 0") == nil)
        #expect(WorkerReply(line: "retried 4 retried_http_429 2") == nil)
        #expect(WorkerRetries(task: 1, counts: FailureCounts()).lines.isEmpty)
    }
}
