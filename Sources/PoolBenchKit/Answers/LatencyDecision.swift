import Foundation

/// Whether each worker count keeps its p99 task latency within a limit D,
/// decided at stated confidence, and the answer under the limit: the
/// settled knee (`KneeDecision`) of the counts that meet it.
///
/// Why not "a count meets when the median of its runs' p99 is ≤ D" (the
/// rule before): a count whose p99 lies near D passes that test in about
/// half the sweeps, so the answer flips between it and its neighbour — two
/// identical sweeps against a server whose latency climbs past its capacity
/// answered 8 and 10 under the same limit — and a count that passes by luck
/// breaks the limit the user asked for.
///
/// The verdict, on the log of each run's p99, λ = ln p99 (a run's p99 is
/// an extreme of its tasks' latencies, skewed to the right; its log is near
/// symmetric, and a ratio to D becomes a difference):
///
/// 1. Noise: the pooled within-count variance
///    s² = ΣᵢΣⱼ(λᵢⱼ − λ̄ᵢ)² / (N − k), ν = N − k, over every count with a
///    p99, as `KneeDecision` step 1 pools throughput. Three runs of its own
///    would give a count t₀.₉₉,₂ = 6.96 and bounds too wide to decide
///    anything; pooled, many runs lend their spread to the few at each
///    count. Pooling every count leans the safe way where the limit bites:
///    below a server's capacity a run's p99 is an extreme of single service
///    times, the noisiest there is; past it each task waits out several
///    services, whose sum is relatively steadier, so there s overstates the
///    count's own spread and its bounds are wider, not narrower.
/// 2. One-sided bounds, the one-sample form of the t bounds `KneeDecision`
///    uses (Chow & Liu, "Design and Analysis of Bioavailability and
///    Bioequivalence Studies", 3rd ed., §4.3; Wellek, "Testing Statistical
///    Hypotheses of Equivalence and Noninferiority", 2nd ed. 2010, ch. 2):
///    λ̄ᵢ ∓ t₁₋α,ν·s/√nᵢ. A count **meets** the limit when its upper bound
///    is ≤ ln D, **exceeds** it when its lower bound is > ln D, and is
///    **undecided** otherwise. With ν = 0 (one run per count) there is no
///    spread to judge by and every count is undecided; with s = 0 the
///    estimates are exact.
/// 3. The answer: `KneeDecision` on the throughput of the counts that meet
///    (non-inferiority to their plateau, the fewer workers winning a tie).
///    An undecided count is never the answer, so the answer never breaks
///    the limit by luck: at worst it is a count below the best one until
///    more runs decide.
/// 4. Settled: every count up to the first that exceeds (every count when
///    none does) has a verdict, and the knee decision among the counts that
///    meet is settled. Past the first count that exceeds, p99 only grows
///    where a queue forms, so those counts are not waited for.
public struct LatencyDecision: Sendable, Hashable {
    /// One worker count's p99 against the limit.
    public enum Verdict: String, Sendable, Hashable, Codable {
        case meets, exceeds, undecided
    }

    /// One worker count as the decision saw it.
    public struct Count: Sendable, Hashable {
        public var workers: Int
        /// Runs that recorded a p99.
        public var runs: Int
        /// exp(λ̄ᵢ): the geometric mean of its runs' p99, seconds.
        public var latencyP99: Double
        /// The one-sided confidence bounds of that p99.
        public var lower: Double
        public var upper: Double
        public var verdict: Verdict
    }

    /// The limit D, seconds.
    public var limit: Double
    /// How far below the plateau the knee may be, as a fraction.
    public var tolerance: Double
    public var confidence: Double
    /// Every count with a p99, ascending.
    public var counts: [Count]
    /// The knee decision on the throughput of the counts that meet; nil
    /// when none meets (or none has a positive throughput).
    public var throughput: KneeDecision?
    /// Whether any count had two or more runs to judge noise by.
    public var hasNoiseEstimate: Bool

    /// The answer under the limit: the knee among the counts that meet.
    public var answer: Int? { throughput?.knee }

    /// Counts whose p99 verdict is open, up to the first count that exceeds.
    public var latencyUndecided: [Int] {
        var open: [Int] = []
        for count in counts {
            if count.verdict == .exceeds { break }
            if count.verdict == .undecided { open.append(count.workers) }
        }
        return open
    }

    /// Every count still open: its p99 verdict, or its throughput verdict
    /// among the counts that meet.
    public var undecided: [Int] {
        Set(latencyUndecided + (throughput.map { $0.settled ? [] : $0.undecided } ?? [])).sorted()
    }

    /// Step 4: every p99 verdict that matters is in, and the knee among the
    /// counts that meet is settled (nothing to settle when none meets).
    public var settled: Bool {
        hasNoiseEstimate && latencyUndecided.isEmpty && (throughput?.settled ?? true)
    }

    /// Decides on `workers` (ascending, distinct) with, for each, the
    /// throughput the knee uses and the p99 of its runs.
    public static func decide(
        workers: [Int], throughput: [[Double]], latencyP99: [[Double]], limit: Double, tolerance: Double,
        confidence: Double = KneeDecision.defaultConfidence
    ) -> LatencyDecision {
        var logs: [[Double]] = []
        var counted: [Int] = []
        for i in workers.indices where i < latencyP99.count {
            let group = latencyP99[i].filter { $0.isFinite && $0 > 0 }.map { log($0) }
            guard !group.isEmpty else { continue }
            counted.append(workers[i])
            logs.append(group)
        }
        let pooled = PooledLogs(logs, trimming: false)
        let (means, sd, degrees) = (pooled.means, pooled.sd, pooled.degrees)
        let t = degrees > 0 ? KneeDecision.studentQuantile(confidence, degrees: degrees) : 0
        let bound = log(limit)
        let counts = logs.indices.map { i in
            let margin = t * sd / Double(logs[i].count).squareRoot()
            let verdict: Verdict = degrees == 0 ? .undecided
                : means[i] + margin <= bound ? .meets : (means[i] - margin > bound ? .exceeds : .undecided)
            return Count(
                workers: counted[i], runs: logs[i].count, latencyP99: exp(means[i]), lower: exp(means[i] - margin),
                upper: exp(means[i] + margin), verdict: verdict
            )
        }
        let meeting = counts.filter { $0.verdict == .meets }.map(\.workers)
        let groups = meeting.map { count in workers.firstIndex(of: count).map { throughput[$0] } ?? [] }
        return LatencyDecision(
            limit: limit, tolerance: tolerance, confidence: confidence, counts: counts,
            throughput: KneeDecision.decide(workers: meeting, groups: groups, tolerance: tolerance, confidence: confidence),
            hasNoiseEstimate: degrees > 0
        )
    }

    /// The answer by the estimates alone, for the bootstrap band: a count
    /// meets when λ̄ᵢ ≤ ln D, and the knee among those by
    /// `KneeDecision.kneeEstimate`. `logThroughput` and `logP99` are per
    /// count (non-empty); returns the index of the answer.
    static func answerEstimate(
        logThroughput: [[Double]], logP99: [[Double]], limit: Double, tolerance: Double, confidence: Double
    ) -> Int? {
        let bound = log(limit)
        let meeting = logP99.indices.filter { i in
            !logP99[i].isEmpty && !logThroughput[i].isEmpty && logP99[i].reduce(0, +) / Double(logP99[i].count) <= bound
        }
        guard !meeting.isEmpty else { return nil }
        let groups = meeting.map { logThroughput[$0] }
        // As `KneeDecision` decides the knee among them: trimmed when the tails are heavy.
        let pooled = PooledLogs(groups, trimming: TrimmedSummary.tailsAreHeavy(groups))
        let t = pooled.degrees > 0 ? KneeDecision.studentQuantile(confidence, degrees: pooled.degrees) : 0
        let cut = log(1 - min(max(tolerance, 0), 0.999_999))
        return KneeDecision.kneeEstimate(
            means: pooled.means, sizes: pooled.sizes, sd: pooled.sd, t: t, cut: cut
        ).map { meeting[$0] }
    }
}
