import Foundation
@testable import PoolBenchKit

/// A server that pushes back, run in virtual time like `NoisyServer`: N
/// workers each send a task, wait for its answer and send the next, and an
/// admitted task is held for a lognormal latency of mean 1 and CV
/// `latencyCV`, while a refused one is answered at once (`refusalSeconds`)
/// and its worker sends the next task straight away — as a client without
/// retries does, which is how a rate-limited run fails tasks by the hundred.
///
/// - `tokenBucket`: admits a task while a token is left; tokens refill at
///   K + ¾ per unit time up to as many (a unit's worth of burst), and a task
///   without one gets `429`: K workers (asking for K a unit of time) are
///   admitted, and K + 1 are refused 13% (K = 16) to 63% (K = 4) of their
///   tasks. Its latency has CV 0.25 (`tokenBucketCV`): at CV 0.5 a 60-task
///   run's demand swings past any rate that K + 1 exceeds, so K itself is
///   refused (a rate of K + ½ refused 14% of 4 workers' tasks at K = 4), and
///   the error-free knee is no longer K. The real server held each
///   admitted request a fixed time.
/// - `loadShedding`: K slots; a task arriving while all K are in service
///   gets `503`.
struct PushbackServer {
    enum Kind: Sendable, CustomStringConvertible {
        case tokenBucket, loadShedding

        var description: String { self == .tokenBucket ? "429 token bucket" : "503 load shedding" }
    }

    var kind: Kind
    /// The most workers served without refusals.
    var capacity: Int
    var tasks: Int
    var refusalSeconds = 0.002
    var latency: NoisyServer

    static let tokenBucketCV = 0.25

    init(kind: Kind, capacity: Int, latencyCV: Double? = nil, tasks: Int = 60, seed: UInt64) {
        self.kind = kind
        self.capacity = capacity
        self.tasks = tasks
        let cv = latencyCV ?? (kind == .tokenBucket ? Self.tokenBucketCV : 0.5)
        latency = NoisyServer(capacity: capacity, latencyCV: cv, tasks: tasks, seed: seed)
    }

    /// One run at `workers` workers: succeeded tasks per unit time (by the
    /// latency server's `measure`: steady-state by default), and its tasks
    /// and failures.
    mutating func run(workers: Int) -> MeasuredRun {
        let rate = Double(capacity) + 0.75
        var tokens = rate
        var refilledAt = 0.0
        // When each worker sends its next task, and when each admitted
        // task leaves the server (for load shedding).
        var next = [Double](repeating: 0, count: workers)
        var inService: [Double] = []
        var makespan = 0.0
        var failed = 0
        // Little's law over the tasks after the first wave (`SteadyThroughput`).
        var busy = 0.0
        var succeededInWindow = 0
        for task in 0..<tasks {
            var worker = 0
            for i in 1..<workers where next[i] < next[worker] { worker = i }
            let now = next[worker]
            let admitted: Bool
            switch kind {
            case .tokenBucket:
                tokens = min(rate, tokens + (now - refilledAt) * rate)
                refilledAt = now
                admitted = tokens >= 1
                if admitted { tokens -= 1 }
            case .loadShedding:
                inService.removeAll { $0 <= now }
                admitted = inService.count < capacity
            }
            let duration = admitted ? latency.latency() : refusalSeconds
            if admitted {
                if kind == .loadShedding { inService.append(now + duration) }
            } else {
                failed += 1
            }
            next[worker] = now + duration
            makespan = max(makespan, next[worker])
            if task >= workers {
                busy += duration
                if admitted { succeededInWindow += 1 }
            }
        }
        let succeeded = tasks - failed
        var throughput = Double(succeeded) / (makespan > 0 ? makespan : 1)
        if latency.measure == .steady && tasks > workers && busy > 0 {
            throughput = Double(workers) * Double(succeededInWindow) / busy
        }
        return MeasuredRun(throughput: throughput, tally: TaskTally(tasks: tasks, failed: failed))
    }
}
