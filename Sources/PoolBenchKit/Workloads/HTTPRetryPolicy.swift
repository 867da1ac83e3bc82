import Foundation

/// When an `http` task sends its request again (`--retries N`): after a
/// `429 Too Many Requests` or a `503 Service Unavailable`, at most `retries`
/// times, waiting what the server's `Retry-After` asks, or else an
/// exponential backoff with full jitter. This is what urllib3's `Retry`
/// (`status_forcelist=[429, 503]`, `respect_retry_after_header=True`) and most
/// API clients do, so with retries a sweep measures the goodput a retrying
/// client gets rather than the refusals a bare one counts.
///
/// The wait before retry r (1, 2, …) without `Retry-After` is drawn uniformly
/// from [0, min(cap, base · 2^(r−1))): "full jitter", which Brooker
/// ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015) measured to
/// spread competing clients' retries best; urllib3 computes the same ceiling
/// (`backoff_factor · 2^(retry − 1)`). A `Retry-After` is RFC 9110 §10.2.3's:
/// delay-seconds, or an HTTP-date (§5.6.7: IMF-fixdate, and the obsolete
/// RFC 850 and asctime forms a recipient must accept). Every wait is capped at
/// `cap`, the request's `--timeout`, so one header cannot hold a task longer
/// than a request may take.
public struct HTTPRetryPolicy: Sendable, Hashable {
    /// The statuses retried: a rate limit and load shedding, both saying
    /// "later", unlike other errors that a repeat would only repeat.
    public static let retriedStatuses: Set<UInt> = [429, 503]
    /// The backoff ceiling of the first retry, in seconds (urllib3's
    /// `backoff_factor` as most clients set it).
    public static let defaultBase = 0.1
    /// The most `--retries` accepted: past it, a task's waits outgrow any run.
    public static let mostRetries = 100

    public var retries: Int
    public var base: Double
    public var cap: Double

    public init(retries: Int, base: Double = defaultBase, cap: Double) {
        self.retries = retries
        self.base = base
        self.cap = cap
    }

    /// Whether a response of `status` on attempt `attempt` (0 for the first
    /// send) is sent again.
    public func shouldRetry(status: UInt, attempt: Int) -> Bool {
        attempt < retries && Self.retriedStatuses.contains(status)
    }

    /// Seconds to wait before retry `retry` (1 for the first): the
    /// `Retry-After` header's when it has a usable one, else the jittered
    /// backoff for the uniform draw `unit` in [0, 1). Both capped at `cap`.
    public func delay(beforeRetry retry: Int, retryAfter: String?, now: Date, unit: Double) -> Double {
        if let retryAfter, let asked = Self.seconds(retryAfter: retryAfter, now: now) {
            return min(asked, cap)
        }
        let ceiling = min(cap, base * pow(2, Double(max(retry, 1) - 1)))
        return ceiling * min(max(unit, 0), 1)
    }

    /// The wait a `Retry-After` value asks for, in seconds from `now`: its
    /// delay-seconds, or the time until its HTTP-date (0 for a date past).
    /// Nil for anything else, so a malformed header falls back to backoff.
    public static func seconds(retryAfter value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            return Double(text)
        }
        // asctime pads a one-digit day with a space: `Nov  6`.
        let date = text.split(separator: " ").joined(separator: " ")
        for format in httpDateFormats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let parsed = formatter.date(from: date) {
                return max(parsed.timeIntervalSince(now), 0)
            }
        }
        return nil
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    static let httpDateFormats = ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"]
}
