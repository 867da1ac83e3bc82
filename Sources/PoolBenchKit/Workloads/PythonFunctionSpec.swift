import Foundation

/// The `python` workload: a user's function, called once per item in a
/// resident Python worker (see `PythonWorker`), under Python's own executors.
public struct PythonFunctionSpec: Codable, Hashable, Sendable {
    /// `FILE.py:NAME` split at its last colon.
    public struct Reference: Codable, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var name: String

        public init(file: String, name: String) {
            self.file = file
            self.name = name
        }

        /// `FILE.py:NAME`; nil when there is no colon, or nothing on a side.
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            let file = String(text[..<colon])
            let name = String(text[text.index(after: colon)...])
            guard !file.isEmpty, !name.isEmpty else { return nil }
            self.init(file: file, name: name)
        }

        public var description: String { "\(file):\(name)" }
    }

    /// What the function is called with, once each.
    public enum Items: Codable, Hashable, Sendable {
        /// The integers 0..<count.
        case count(Int)
        /// The lines of a file (`-`: standard input), as `str`; `source`
        /// is what the history shows.
        case lines(source: String, [String])

        public var count: Int {
            switch self {
            case let .count(count): count
            case let .lines(_, lines): lines.count
            }
        }

        /// `15`, or the file the items came from.
        public var source: String {
            switch self {
            case let .count(count): String(count)
            case let .lines(source, _): source
            }
        }
    }

    public var function: Reference
    public var setup: Reference?
    public var items: Items
    /// The interpreter: a path, or a name looked up in `PATH`.
    public var interpreter: String
    /// Seconds one item may take before it counts as failed (`timeout`).
    public var timeout: Double?

    public static let defaultInterpreter = "python3"

    public init(function: Reference, setup: Reference? = nil, items: Items, interpreter: String = defaultInterpreter, timeout: Double? = nil) {
        self.function = function
        self.setup = setup
        self.items = items
        self.interpreter = interpreter
        self.timeout = timeout
    }

    /// What the history keeps: the function, its setup, where the items
    /// came from, and the interpreter and timeout when not the defaults.
    var parameters: [(name: String, value: String)] {
        var parameters = [("function", function.description)]
        if let setup { parameters.append(("setup", setup.description)) }
        parameters.append(("items", items.source))
        if interpreter != Self.defaultInterpreter { parameters.append(("python", interpreter)) }
        if let timeout { parameters.append(("timeout", Units.formatDuration(timeout))) }
        return parameters
    }

    /// The spec as the history keeps it: an items file's name, not its
    /// lines (they may be many, and may hold what should not be stored);
    /// the command that measures it again reads the file afresh.
    var withoutItemLines: PythonFunctionSpec {
        var copy = self
        if case let .lines(source, _) = items { copy.items = .lines(source: source, []) }
        return copy
    }

    /// The flags of `poolbench run python` that give this spec.
    var arguments: [String] {
        ["--function", function.description] + (setup.map { ["--setup", $0.description] } ?? [])
            + ["--items", items.source]
            + (interpreter != Self.defaultInterpreter ? ["--python", interpreter] : [])
            + (timeout.map { ["--timeout", Units.formatDuration($0)] } ?? [])
    }

    /// The first message the resident worker reads: what to load and run.
    func hello(executor: ExecutorKind) -> String {
        struct Hello: Encodable {
            var function: String
            var name: String
            var setup: [String]?
            var executor: String
            var items: [String]?
            var count: Int
            var timeout: Double?
        }
        var lines: [String]?
        if case let .lines(_, all) = items { lines = all }
        let hello = Hello(
            function: function.file, name: function.name, setup: setup.map { [$0.file, $0.name] },
            executor: executor.rawValue, items: lines, count: items.count, timeout: timeout
        )
        // Strings and numbers always encode.
        return String(decoding: try! JSONEncoder().encode(hello), as: UTF8.self) + "\n"
    }
}
