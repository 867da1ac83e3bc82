import Foundation

/// What `best` prints: `BestAnswer` laid out — a chart per series with the
/// verdict under it, then the executors compared.
public struct BestReport: AnswerReport {
    public var answer: BestAnswer

    public init(_ answer: BestAnswer) {
        self.answer = answer
    }
}

extension SeriesKey {
    /// The `poolbench run` line that measures this series at `workers`,
    /// built from `spec`, the workload as the history kept it; nil when it
    /// kept none (runs recorded before it did) or not all of it (a request
    /// body is never kept).
    public func runCommand(spec: WorkloadSpec?, workers: ClosedRange<Int>) -> String? {
        guard let spec, spec.isWholeWhenStored else { return nil }
        return CommandLineSplitter.shellQuoted(spec.runArguments(executor: executor, workers: Self.workerList(workers)))
    }

    /// "Next: `poolbench run …`", or what to change when no whole command
    /// can be written.
    public func nextStep(spec: WorkloadSpec?, workers: ClosedRange<Int>) -> String {
        guard let command = runCommand(spec: spec, workers: workers) else {
            return "Next: run this workload again with --executor \(executor) --workers \(Self.workerList(workers))"
                + " (the history does not keep all of its parameters, so no whole command can be given)."
        }
        return "Next: `\(command)`"
    }

    /// A short range as it is (`4...16`); a wide one as a geometric list
    /// (`32,48,64,96,128`), since every count of `32...128` would be 97 points.
    static func workerList(_ workers: ClosedRange<Int>) -> String {
        guard workers.count > 16 else { return "\(workers.lowerBound)...\(workers.upperBound)" }
        var counts: Set = [workers.upperBound]
        var count = workers.lowerBound
        while count <= workers.upperBound {
            counts.insert(count)
            let between = Int((Double(count) * 1.5).rounded())
            if between <= workers.upperBound { counts.insert(between) }
            count *= 2
        }
        return counts.sorted().map(String.init).joined(separator: ",")
    }
}
