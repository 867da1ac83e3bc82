import Foundation

/// Which sweeps a caller names: the one with an ID, or those labelled so
/// (under canonical equivalence, as `HistoryFilter` compares labels).
enum SweepChoice {
    case id(Int64)
    case label(String)
}

/// What each store reads with its own SQL, so that the reads built on it,
/// and the grouping they do in Swift, are written once, here.
protocol StoreReading: HistoryStore {
    /// The sweeps `choice` names, as stamps, oldest first.
    func stamps(_ choice: SweepChoice) throws -> [SweepStamp]

    /// Hands `body` each run of the sweeps `sweepIDs`, of `key` alone when
    /// it is given, as a `SampleColumn` row: sorted by series, then sweep
    /// ID, workers and run ID.
    func forEachSampleRow(
        in sweepIDs: [Int64], of key: SeriesKey?,
        _ body: (StoredColumns<SampleColumn>, any StoredRow) throws -> Void
    ) throws

    /// The newest `run.workloadSpec` among the runs of `key` in the sweeps
    /// `sweepIDs`; nil when none kept one.
    func workloadSpec(of key: SeriesKey, in sweepIDs: [Int64]) throws -> String?
}

extension StoreReading {
    public func sweeps(idOrLabel text: String) throws -> [SweepStamp] {
        if let id = Int64(text) {
            let byID = try stamps(.id(id))
            if !byID.isEmpty { return byID }
        }
        return try stamps(.label(text))
    }

    public func samplesBySeries(in sweeps: [SweepStamp]) throws -> [(key: SeriesKey, samples: [Sample])] {
        let stamps = Dictionary(sweeps.map { ($0.id, $0) }) { first, _ in first }
        var groups: [SeriesKey: [Sample]] = [:]
        try forEachSampleRow(in: Array(stamps.keys), of: nil) { columns, row in
            guard let stamp = stamps[try columns.int64(row, .sweepId)] else { return }
            groups[try columns.seriesKey(row), default: []].append(try columns.sample(row, of: stamp))
        }
        return groups.keys.sorted().map { ($0, groups[$0, default: []]) }
    }

    /// The runs of `key` in `sweeps`, in the order of `sweeps`.
    func samples(of key: SeriesKey, in sweeps: [SweepStamp]) throws -> [Sample] {
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, $0) })
        var bySweep = [[Sample]](repeating: [], count: sweeps.count)
        try forEachSampleRow(in: sweeps.map(\.id), of: key) { columns, row in
            guard let index = position[try columns.int64(row, .sweepId)] else { return }
            bySweep[index].append(try columns.sample(row, of: sweeps[index]))
        }
        return bySweep.flatMap { $0 }
    }

    /// Each series' newest sweeps, oldest first, with their runs: what
    /// `seriesRuns` answers once a store has chosen the sweeps.
    func seriesRuns(_ chosen: [(key: SeriesKey, sweeps: [SweepStamp])]) throws -> [SeriesRuns] {
        try chosen.compactMap { key, sweeps in
            guard let newest = sweeps.last else { return nil }
            return SeriesRuns(
                key: key, host: newest.host, testbed: newest.testbed, logicalCores: newest.logicalCores,
                sweeps: sweeps, samples: try samples(of: key, in: sweeps),
                spec: try workloadSpec(of: key, in: sweeps.map(\.id)).flatMap(WorkloadSpec.init(storedJSON:))
            )
        }
    }
}
