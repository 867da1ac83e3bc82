import Foundation

/// One sweep's `best` answer, as `trend` tracks it over time.
public struct RecommendationPoint: Sendable, Hashable, Codable {
    public var sweepID: Int64
    public var startedAt: Date
    public var recommendedWorkers: Int
    public var band: ClosedRange<Int>

    public init(sweepID: Int64, startedAt: Date, recommendedWorkers: Int, band: ClosedRange<Int>) {
        self.sweepID = sweepID
        self.startedAt = startedAt
        self.recommendedWorkers = recommendedWorkers
        self.band = band
    }
}

/// A move of the recommended worker count between sweeps.
public struct WorkerShift: Sendable, Hashable, Codable {
    /// The sweep whose recommendation moved.
    public var sweepID: Int64
    public var fromWorkers: Int
    public var toWorkers: Int
    /// The band of the recommendation it moved away from.
    public var previousBand: ClosedRange<Int>
}

/// Recommended-worker drift: has the optimum moved?
enum WorkerDrift {
    /// The sweeps (ordered by start time, then ID) where the recommendation
    /// moved.
    ///
    /// A move is a new count outside the band of the last accepted
    /// recommendation *and* a new band that excludes that recommendation:
    /// neighbouring tested counts trade places under bootstrap noise, and
    /// such a wobble is not news. The reference only advances on a move, so
    /// a slow creep that each sweep hides in its neighbour's band still
    /// shows once it leaves the original band.
    public static func shifts(in history: [RecommendationPoint]) -> [WorkerShift] {
        let ordered = history.sorted { ($0.startedAt, $0.sweepID) < ($1.startedAt, $1.sweepID) }
        guard var reference = ordered.first else { return [] }
        var shifts: [WorkerShift] = []
        for point in ordered.dropFirst()
        where !reference.band.contains(point.recommendedWorkers) && !point.band.contains(reference.recommendedWorkers) {
            shifts.append(WorkerShift(
                sweepID: point.sweepID, fromWorkers: reference.recommendedWorkers,
                toWorkers: point.recommendedWorkers, previousBand: reference.band
            ))
            reference = point
        }
        return shifts
    }
}
