import Foundation

/// Where one sweep's errors started, as `trend` tracks it over time: a rate
/// limit tightened by the API's owner, or a release that sheds load earlier,
/// shows as an onset that moves down from sweep to sweep.
public struct SweepErrorOnset: Sendable, Hashable, Codable {
    public var sweepID: Int64
    public var startedAt: Date
    /// Where the sweep's errors start and what they were; nil when no count
    /// of the sweep had significant errors.
    public var onset: ErrorOnsetSummary?

    /// Each sweep judged on its own runs by `ErrorOnset`, as `best` judges a
    /// series, oldest first; sweeps with no runs are left out.
    public static func bySweep(_ samples: [Sample], sweeps: [SweepStamp], maxErrorRate: Double = 0) -> [SweepErrorOnset] {
        let grouped = Dictionary(grouping: samples, by: \.sweepID)
        return sweeps.compactMap { sweep in
            guard let runs = grouped[sweep.id], !runs.isEmpty else { return nil }
            let onset = ErrorOnset.decide(runs, maxErrorRate: maxErrorRate).summary(runs)
            return SweepErrorOnset(sweepID: sweep.id, startedAt: sweep.startedAt, onset: onset)
        }
    }
}
