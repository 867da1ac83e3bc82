import Foundation

/// A parameter scan written by `hyperfine --export-json` — the common
/// recipe `hyperfine -P workers 1 16 'python3 job.py {workers}'` — read as
/// job-mode runs, so `best`, `trend` and `report` answer for it.
///
/// Each result is one point: its worker count is the value of the scan's
/// parameter, each entry of its `times` one run (wall seconds), a non-zero
/// exit code that run's one error, as job mode records a failing program.
/// The workload is a `job` whose command is hyperfine's with the parameter
/// put back as `{workers}`, so a scan and a later `poolbench run --job` of
/// the same command are one series. Results that differ in another
/// parameter are series of their own. Throughput is `items` ÷ wall seconds
/// when the scan's items per run are given, else runs per second.
///
/// What hyperfine does not record, the history does not invent: it keeps
/// no per-run CPU time (only means), no task latencies and no host, so
/// those are unknown, and the runs are filed under the importing machine's
/// host — import a scan where it was made. The file's modification time is
/// taken as the end of the scan, its runs laid back to back before it.
///
/// UUIDs are derived from the file's bytes (SHA-256), so importing the same
/// file again finds every run present and adds nothing.
struct HyperfineScan {
    /// What the import was told about the scan.
    struct Options: Sendable {
        /// The parameter that is the worker count; nil when the scan has one.
        var parameter: String?
        /// Items one run processes, for throughput in items per second.
        var items: Int?
    }

    /// The runs, as export rows in `ExportColumn` order.
    let rows: [ExportValues]

    /// What the file holds, as hyperfine writes it. Numbers stay numbers,
    /// so a time written as text is refused rather than guessed at.
    private struct File: Decodable {
        var results: [Result]
    }

    private struct Result: Decodable {
        var command: String
        var times: [Double]?
        /// nil for a run a signal ended.
        var exitCodes: [Int?]?
        var memoryUsageByte: [Double]?
        var parameters: [String: String]?

        enum CodingKeys: String, CodingKey {
            case command, times, parameters
            case exitCodes = "exit_codes"
            case memoryUsageByte = "memory_usage_byte"
        }
    }

    /// The largest scan read: hyperfine's files are kilobytes; this bounds
    /// the memory a wrong file can take.
    static let maximumBytes = 64 << 20

    /// Reads `bytes`, the content of `path` (named in messages), modified at
    /// `modified`, for runs on `host`. Throws `PoolBenchError.notAScan`.
    init(path: String, bytes: [UInt8], modified: Date, host: HostRecord, options: Options) throws {
        func refuse(_ reason: String) -> PoolBenchError { .notAScan(path: path, reason: reason) }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw refuse(Self.describe(error))
        }
        guard !file.results.isEmpty else { throw refuse("its \"results\" list is empty") }
        let parameter = try Self.workerParameter(of: file.results, chosen: options.parameter, refuse: refuse)

        // One series per combination of the other parameters' values.
        var groups: [[String: String]: [(index: Int, workers: Int)]] = [:]
        var groupOrder: [[String: String]] = []
        for (index, result) in file.results.enumerated() {
            let what = "results[\(index)] (\(result.command))"
            guard let times = result.times, !times.isEmpty else { throw refuse("\(what) has no times") }
            if let bad = times.first(where: { !($0.isFinite && $0 > 0) }) {
                // hyperfine subtracts its shell's start-up, which can leave nothing of a quick job.
                throw refuse(
                    bad == 0
                        ? "\(what) has a time of 0 s, too short to give a throughput (hyperfine subtracts its shell's start-up: scan with -N, or a job that runs longer)"
                        : "\(what) has a time of \(bad) s; every run takes a positive, finite time"
                )
            }
            if let codes = result.exitCodes, codes.count != times.count {
                throw refuse("\(what) has \(times.count) times but \(codes.count) exit codes")
            }
            guard let value = result.parameters?[parameter] else {
                throw refuse("\(what) has no value for the parameter \(parameter)")
            }
            guard let workers = Int(value), (1...SweepPlan.maxWorkers).contains(workers) else {
                throw refuse(
                    "\(what): \(parameter) = \(value) is not a worker count (a whole number from 1 to \(SweepPlan.maxWorkers))"
                )
            }
            var others = result.parameters ?? [:]
            others[parameter] = nil
            if groups[others] == nil { groupOrder.append(others) }
            groups[others, default: []].append((index, workers))
        }

        let digest = SHA256.digest(bytes)
        let sweepUuid = UUID.derived(namespace: "poolbench hyperfine sweep", [digest])
        let totalSeconds = file.results.reduce(0) { $0 + ($1.times ?? []).reduce(0, +) }
        let sweepStart = modified.addingTimeInterval(-totalSeconds)
        var templates: [String] = []
        var rows: [ExportValues] = []
        var clock = sweepStart
        for others in groupOrder {
            let members = groups[others]!
            guard let template = Self.template(
                of: members.map { (file.results[$0.index].command, file.results[$0.index].parameters![parameter]!) }
            ) else {
                throw refuse(
                    "the commands of the results with \(parameter) differ beyond its value, so no one command with {workers} gives them all"
                )
            }
            templates.append(template)
            let arguments = (try? CommandLineSplitter.split(template)).flatMap { $0.isEmpty ? nil : $0 }
                ?? ["sh", "-c", template]
            let spec = WorkloadSpec.job(arguments: arguments, items: options.items)
            let tasks = options.items ?? 1
            var repetitions: [Int: Int] = [:]
            for member in members {
                let result = file.results[member.index]
                for (run, seconds) in result.times!.enumerated() {
                    let exit = result.exitCodes.map { $0[run] } ?? 0
                    let repetition = repetitions[member.workers, default: 0]
                    repetitions[member.workers] = repetition + 1
                    var row = [ExportColumn: ExportValues.Value]()
                    row[.runUuid] = .text(
                        UUID.derived(
                            namespace: "poolbench hyperfine run",
                            [digest, Array(String(member.index).utf8), Array(String(run).utf8)]
                        ).uuidString.lowercased()
                    )
                    row[.startedAt] = .text(Timestamp.format(clock))
                    clock = clock.addingTimeInterval(seconds)
                    row[.workload] = .text(spec.name)
                    row[.parameters] = .text(spec.parameterText)
                    row[.workloadSpec] = spec.storedJSON.map(ExportValues.Value.text) ?? .null
                    row[.executor] = .text(ExecutorKind.job.rawValue)
                    row[.workers] = .integer(Int64(member.workers))
                    row[.tasks] = .integer(Int64(tasks))
                    row[.repetition] = .integer(Int64(repetition))
                    row[.wallSeconds] = .real(seconds)
                    row[.throughput] = .real(exit == 0 ? Double(tasks) / seconds : 0)
                    row[.errorCount] = .integer(exit == 0 ? 0 : 1)
                    if exit != 0 {
                        row[.firstError] = .text(exit.map { "exited with status \($0)" } ?? "was killed by a signal")
                        // hyperfine records no signal's number.
                        row[.failures] = FailureCounts([exit.map(FailureKind.exit) ?? .other: 1]).json.map { .text($0) }
                    }
                    if let memory = result.memoryUsageByte, run < memory.count, memory[run].isFinite, memory[run] >= 0 {
                        row[.peakRssBytes] = .integer(Int64(memory[run]))
                    }
                    rows.append(Self.row(row, sweep: sweepUuid, start: sweepStart, end: modified, host: host))
                }
            }
        }
        let commandLine = Redaction.text(Self.commandLine(parameter: parameter, results: file.results, templates: templates))
        self.rows = rows.map { row in
            var row = row
            row.values[ExportColumn.commandLine.index] = .text(commandLine)
            return row
        }
    }

    /// The parameter that gives the worker count: `chosen`, or the scan's
    /// only one.
    private static func workerParameter(
        of results: [Result], chosen: String?, refuse: (String) -> PoolBenchError
    ) throws -> String {
        var names: [String] = []
        for result in results {
            for name in (result.parameters ?? [:]).keys.sorted() where !names.contains(name) { names.append(name) }
        }
        if let chosen {
            guard names.contains(chosen) else {
                throw refuse(
                    names.isEmpty
                        ? "it has no parameter \(chosen), nor any other"
                        : "it has no parameter \(chosen); its parameters are \(names.joined(separator: ", "))"
                )
            }
            return chosen
        }
        switch names.count {
        case 0:
            throw refuse("it has no parameter to read a worker count from; scan one with `hyperfine -P workers 1 16 'CMD {workers}'`")
        case 1:
            return names[0]
        default:
            throw refuse("it has the parameters \(names.joined(separator: ", ")); pass --parameter NAME to say which is the worker count")
        }
    }

    /// The one command with `{workers}` that gives every `(command, value)`
    /// when the value is put in its place; nil when there is none.
    ///
    /// hyperfine writes the command with the value substituted, so the
    /// placeholder's places are found back: every choice of the value's
    /// occurrences in the first command is tried (a value of `4` also
    /// occurs in `--items 64`), and the choices that give every other
    /// result's command are kept. With one result, nothing tells the
    /// choices apart but the words: an occurrence that is a whole number on
    /// its own is preferred to one inside a longer number or name.
    static func template(of results: [(command: String, value: String)]) -> String? {
        guard let (first, value) = results.first else { return nil }
        var occurrences: [Range<String.Index>] = []
        var searchStart = first.startIndex
        while !value.isEmpty, let found = first.range(of: value, range: searchStart..<first.endIndex) {
            occurrences.append(found)
            searchStart = found.upperBound
        }
        // 2¹² choices at most; a command with more copies of the value is
        // read with every copy as the placeholder, or refused.
        let choices: [[Range<String.Index>]] = occurrences.count <= 12
            ? (0..<(1 << occurrences.count)).map { mask in
                occurrences.indices.filter { mask & (1 << $0) != 0 }.map { occurrences[$0] }
            }
            : [occurrences]
        func isWord(_ range: Range<String.Index>) -> Bool {
            let before = range.lowerBound == first.startIndex ? nil : first[first.index(before: range.lowerBound)]
            let after = range.upperBound == first.endIndex ? nil : first[range.upperBound]
            return !(before.map { $0.isLetter || $0.isNumber } ?? false) && !(after.map { $0.isLetter || $0.isNumber } ?? false)
        }
        var best: (template: String, score: (Int, Int))?
        for chosen in choices {
            var template = ""
            var position = first.startIndex
            for range in chosen {
                template += first[position..<range.lowerBound] + "{workers}"
                position = range.upperBound
            }
            template += first[position...]
            guard results.allSatisfy({ template.replacingOccurrences(of: "{workers}", with: $0.value) == $0.command })
            else { continue }
            // Fewest places inside a word, then the most places.
            let score = (chosen.filter { !isWord($0) }.count, -chosen.count)
            if best == nil || score < best!.score { best = (template, score) }
        }
        return best?.template
    }

    /// A hyperfine command line that repeats the scan.
    private static func commandLine(parameter: String, results: [Result], templates: [String]) -> String {
        var values: [String] = []
        for result in results {
            if let value = result.parameters?[parameter], !values.contains(value) { values.append(value) }
        }
        let commands = templates.map { $0.replacingOccurrences(of: "{workers}", with: "{\(parameter)}") }
        return CommandLineSplitter.shellQuoted(["hyperfine", "-L", parameter, values.joined(separator: ",")] + commands)
    }

    /// A full row: the run's fields, its sweep's and its host's.
    private static func row(
        _ fields: [ExportColumn: ExportValues.Value], sweep: UUID, start: Date, end: Date, host: HostRecord
    ) -> ExportValues {
        var fields = fields
        fields[.sweepUuid] = .text(sweep.uuidString.lowercased())
        fields[.sweepStatus] = .text(SweepStatus.completed.rawValue)
        fields[.sweepStartedAt] = .text(Timestamp.format(start))
        fields[.sweepFinishedAt] = .text(Timestamp.format(end))
        fields[.hostName] = .text(host.name)
        fields[.hostOs] = .text(host.os)
        fields[.hostKernel] = .text(host.kernel)
        fields[.hostCpuModel] = .text(host.cpuModel)
        fields[.hostLogicalCores] = .integer(Int64(host.logicalCores))
        fields[.hostMemoryBytes] = .integer(host.memoryBytes)
        fields[.hostPoolbenchVersion] = .text(host.poolbenchVersion)
        return ExportValues(ExportColumn.allCases.map { fields[$0] ?? .null })
    }

    /// Where the JSON went wrong, as a path into it: `results[2].times[0]
    /// is not a number`.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            let at = path(context.codingPath)
            return "it has no \"\(key.stringValue)\"\(at.isEmpty ? "" : " in \(at)")"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let what = type == Double.self ? "a number" : type == String.self ? "text" : type == Int.self ? "a whole number"
                : "a list or an object"
            return "\(path(context.codingPath)) is not \(what)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "it is not JSON" : "\(path(context.codingPath)) is not valid"
        @unknown default:
            return "it is not a hyperfine --export-json file"
        }
    }
}
