/// Whether the rest of the machine was busy while runs ran: what tells a
/// slower sweep caused by the machine from one caused by the job.
///
/// A set of runs' *others' share* is the CPU the rest of the machine used
/// during them over the CPU the machine had:
///
///     share = Σ otherCpuSeconds ÷ Σ (wallSeconds × cores)
///
/// — a wall-time-weighted average, so a long run counts for its length. A
/// sweep is *busy* when its share exceeds `threshold`: other processes kept
/// more than a quarter of the cores busy on average. That is enough to move
/// a CPU-bound curve past its knee on 2 cores, and more than the few
/// percent an idle desktop or CI runner shows. Runs recorded before the
/// machine's load was measured have no share and never make a sweep busy.
public enum BusyMachine {
    public static let threshold = 0.25
    /// A warning names at most this many sweeps, the newest, so it stays one line.
    static let listed = 4

    /// The others' share of `samples` on a machine of `cores` cores; nil
    /// when none of them measured it.
    public static func othersShare(_ samples: [Sample], cores: Int) -> Double? {
        let measured = samples.filter { $0.otherCpuSeconds != nil && $0.wallSeconds > 0 }
        guard cores >= 1, !measured.isEmpty else { return nil }
        let available = measured.map(\.wallSeconds).reduce(0, +) * Double(cores)
        return measured.compactMap(\.otherCpuSeconds).reduce(0, +) / available
    }

    /// The sweeps of `samples` that were busy, oldest first.
    public static func busySweeps(_ samples: [Sample], cores: Int) -> [SweepLoad] {
        var order: [Int64] = []
        var bySweep: [Int64: [Sample]] = [:]
        for sample in samples {
            if bySweep[sample.sweepID] == nil { order.append(sample.sweepID) }
            bySweep[sample.sweepID, default: []].append(sample)
        }
        return order.compactMap { id in
            othersShare(bySweep[id, default: []], cores: cores).flatMap { share in
                share > threshold ? SweepLoad(sweepID: id, othersShare: share) : nil
            }
        }
    }

    /// Whether a busy machine may explain `change`, a change point found
    /// among sweeps `order` (oldest first) of which `busy` were busy: a
    /// regression when a sweep of the change (from its first sweep to the
    /// one that confirmed it) was busy; an improvement when the sweep just
    /// before it was, i.e. the machine quieted down.
    public static func mayExplain(_ change: ChangePoint, order: [Int64], busy: Set<Int64>) -> Bool {
        guard let first = order.firstIndex(of: change.sweepID) else { return false }
        if change.direction == .improvement { return first > 0 && busy.contains(order[first - 1]) }
        let last = order.firstIndex(of: change.detectedAtSweepID) ?? first
        return order[first...max(first, last)].contains(where: busy.contains)
    }

    /// One line for a report when any of `busy` is, else nil: "Busy
    /// machine: other processes used 40% of the 2 cores on average during
    /// sweep 7's runs (more than 25%), so the machine, not the job, may have moved
    /// these numbers; measure again on a quiet machine."
    public static func warning(_ busy: [SweepLoad], cores: Int) -> String? {
        guard let highest = busy.map(\.othersShare).max() else { return nil }
        let share = (busy.count == 1 ? "" : "up to ") + "\(Int((highest * 100).rounded()))%"
        let during = switch busy.count {
        case 1: "sweep \(busy[0].sweepID)'s runs"
        case 2...listed: "sweeps " + busy.map { String($0.sweepID) }.joined(separator: ", ")
        default: "\(busy.count) sweeps, newest " + busy.suffix(listed).map { String($0.sweepID) }.joined(separator: ", ")
        }
        return "Busy machine: other processes used \(share) of the \(cores) core\(cores == 1 ? "" : "s") on average "
            + "during \(during) (more than \(Int(threshold * 100))%), so the machine, not the job, may have moved "
            + "these numbers; measure again on a quiet machine."
    }
}

/// A sweep and its others' share (`BusyMachine.othersShare`).
public struct SweepLoad: Sendable, Hashable, Codable {
    public var sweepID: Int64
    public var othersShare: Double

    public init(sweepID: Int64, othersShare: Double) {
        self.sweepID = sweepID
        self.othersShare = othersShare
    }
}
