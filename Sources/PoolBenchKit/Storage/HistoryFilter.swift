import Foundation
import GRDB

/// Which runs or sweeps a question is about. Every field narrows; nil means
/// any. Shared by `history`, `best`, `trend` and `export`.
public struct HistoryFilter: Sendable, Equatable {
    public var workload: String?
    public var executor: String?
    public var label: String?
    public var host: String?
    public var testbed: String?
    public var since: Date?
    public var until: Date?
    public var sweepID: Int64?

    public init(
        workload: String? = nil, executor: String? = nil, label: String? = nil, host: String? = nil,
        testbed: String? = nil, since: Date? = nil, until: Date? = nil, sweepID: Int64? = nil
    ) {
        self.workload = workload
        self.executor = executor
        self.label = label
        self.host = host
        self.testbed = testbed
        self.since = since
        self.until = until
        self.sweepID = sweepID
    }

    /// `--workload sleep --label nightly`, for messages about what matched nothing.
    public var summary: String {
        var parts: [String] = []
        if let workload { parts.append("--workload \(workload)") }
        if let executor { parts.append("--executor \(executor)") }
        if let label { parts.append("--label \(label)") }
        if let host { parts.append("--host \(host)") }
        if let testbed { parts.append("--testbed \(testbed)") }
        if let since { parts.append("--since \(Timestamp.format(since))") }
        if let until { parts.append("--until \(Timestamp.format(until))") }
        if let sweepID { parts.append("--sweep \(sweepID)") }
        return parts.isEmpty ? "the history" : parts.joined(separator: " ")
    }

    /// Conditions on `run` joined with `sweep` and `host`, every value bound.
    func runConditions() -> SQL {
        var conditions: [SQL] = ["1"]
        if let workload { conditions.append("run.workload = \(workload)") }
        if let executor { conditions.append("run.executor = \(executor)") }
        if let label { conditions.append("sweep.label = \(label)") }
        if let host { conditions.append("host.name = \(host)") }
        if let testbed { conditions.append("sweep.testbed = \(testbed)") }
        if let since { conditions.append("run.startedAt >= \(Timestamp.format(since))") }
        if let until { conditions.append("run.startedAt <= \(Timestamp.format(until))") }
        if let sweepID { conditions.append("run.sweepId = \(sweepID)") }
        return conditions.joined(separator: " AND ")
    }

    /// Conditions on `sweep` joined with `host`; run-level filters ask that
    /// the sweep has at least one matching run.
    func sweepConditions() -> SQL {
        var conditions: [SQL] = ["1"]
        if let label { conditions.append("sweep.label = \(label)") }
        if let host { conditions.append("host.name = \(host)") }
        if let testbed { conditions.append("sweep.testbed = \(testbed)") }
        if let since { conditions.append("sweep.startedAt >= \(Timestamp.format(since))") }
        if let until { conditions.append("sweep.startedAt <= \(Timestamp.format(until))") }
        if let sweepID { conditions.append("sweep.id = \(sweepID)") }
        var runConditions: [SQL] = []
        if let workload { runConditions.append("run.workload = \(workload)") }
        if let executor { runConditions.append("run.executor = \(executor)") }
        if !runConditions.isEmpty {
            conditions.append(
                "EXISTS (SELECT 1 FROM run WHERE run.sweepId = sweep.id AND \(runConditions.joined(separator: " AND ")))"
            )
        }
        return conditions.joined(separator: " AND ")
    }
}
