import Foundation

/// The runs of a curve since it last moved: what `best` answers from.
public struct CurrentLevel: Sendable, Hashable {
    /// The first sweep of the level.
    public var since: Int64
    /// When that sweep started.
    public var sinceStartedAt: Date
    /// The worker counts whose throughput changed at `since`, ascending;
    /// empty when the curve never moved and the level is every sweep given.
    public var changedWorkers: [Int]
    /// Worker counts measured in the sweep `since`.
    public var measuredWorkers: Int
    /// Sweeps in the level.
    public var sweeps: Int
    /// The runs of those sweeps, in their original order.
    public var samples: [Sample]
}

extension Trend {
    /// Share of the worker counts measured in a sweep whose throughput must
    /// change there for the whole curve to count as moved.
    public static let levelQuorum = 0.25

    /// The current level of one curve (one workload × executor × host,
    /// every worker count).
    ///
    /// Each worker count is a series over time; `analyze` finds its
    /// throughput change points. The curve moved at a sweep when at least
    /// `quorum` of the worker counts measured in it, and at least two,
    /// changed there. The level starts at the newest such sweep (by start,
    /// then ID), or at the first sweep when the curve never moved.
    ///
    /// Why a quorum rather than any change: the rule flags about 0.3% of
    /// sweeps of a steady series, so a curve of 24 worker counts over 14
    /// sweeps would lose most of its history to a lone false alarm about
    /// once in three. A new machine, build or capacity moves many counts at
    /// once — a capacity rising from 8 to 16 moves every count above 8 —
    /// while two false alarms at the same sweep are rare. Why one start for
    /// the whole curve rather than one per count: counts that were only
    /// measured before the move would otherwise answer with the old level.
    /// `nil` for no samples.
    public static func currentLevel(of samples: [Sample], quorum: Double = levelQuorum) -> CurrentLevel? {
        guard let first = samples.min(by: isEarlier) else { return nil }
        var startedAt: [Int64: Date] = [:]
        var measured: [Int64: Set<Int>] = [:]
        for sample in samples {
            startedAt[sample.sweepID] = sample.sweepStartedAt
            measured[sample.sweepID, default: []].insert(sample.workers)
        }
        var moved: [Int64: [Int]] = [:]
        for (workers, runs) in Dictionary(grouping: samples, by: \.workers).sorted(by: { $0.key < $1.key }) {
            for change in analyze(runs).changes where change.metric == .throughput {
                moved[change.sweepID, default: []].append(workers)
            }
        }
        let start = moved.filter { sweep, workers in
            let counts = measured[sweep]?.count ?? 0
            return workers.count >= max(2, Int((quorum * Double(counts)).rounded(.up)))
        }
        .compactMap { sweep, _ in startedAt[sweep].map { (date: $0, id: sweep) } }
        .max { ($0.date, $0.id) < ($1.date, $1.id) }
        ?? (date: first.sweepStartedAt, id: first.sweepID)

        let level = samples.filter { ($0.sweepStartedAt, $0.sweepID) >= (start.date, start.id) }
        return CurrentLevel(
            since: start.id, sinceStartedAt: start.date, changedWorkers: moved[start.id, default: []].sorted(),
            measuredWorkers: measured[start.id]?.count ?? 0, sweeps: Set(level.map(\.sweepID)).count, samples: level
        )
    }

    private static func isEarlier(_ a: Sample, _ b: Sample) -> Bool {
        (a.sweepStartedAt, a.sweepID) < (b.sweepStartedAt, b.sweepID)
    }
}

extension CurrentLevel {
    /// The level without its runs, as answers carry it.
    public struct Summary: Sendable, Hashable, Codable {
        /// The level's first sweep; `nil` when there were no runs.
        public var sinceSweepID: Int64?
        public var sinceStartedAt: Date?
        /// The worker counts whose throughput changed at `sinceSweepID`;
        /// empty when the curve never moved.
        public var changedWorkers: [Int]
        /// Worker counts measured in the sweep `sinceSweepID`.
        public var measuredWorkers: Int
        public var sweeps: Int

        public init(
            sinceSweepID: Int64? = nil, sinceStartedAt: Date? = nil, changedWorkers: [Int] = [], measuredWorkers: Int = 0,
            sweeps: Int = 0
        ) {
            self.sinceSweepID = sinceSweepID
            self.sinceStartedAt = sinceStartedAt
            self.changedWorkers = changedWorkers
            self.measuredWorkers = measuredWorkers
            self.sweeps = sweeps
        }

        public init(_ level: CurrentLevel) {
            self.init(
                sinceSweepID: level.since, sinceStartedAt: level.sinceStartedAt, changedWorkers: level.changedWorkers,
                measuredWorkers: level.measuredWorkers, sweeps: level.sweeps
            )
        }
    }
}
