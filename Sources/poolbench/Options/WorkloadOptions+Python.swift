import ArgumentParser
import Foundation
import PoolBenchKit

extension WorkloadOptions {
    /// The python workload's spec, its files checked; whether the module
    /// loads is checked by `PythonCheck`, which starts Python.
    func pythonSpec() throws(ValidationError) -> WorkloadSpec {
        guard let function else {
            throw ValidationError("the python workload needs --function FILE.py:NAME, the function to call once per item.")
        }
        let reference = try Self.reference(function, flag: "--function")
        let setupReference = try setup.map { text throws(ValidationError) in try Self.reference(text, flag: "--setup") }
        guard let items else {
            throw ValidationError("the python workload needs --items N (items 0…N-1) or --items FILE (one item per line; - for standard input).")
        }
        let seconds = try timeout.map { text throws(ValidationError) in
            let seconds = try Parsers.seconds(text, flag: "--timeout", examples: "500ms or 30s")
            guard seconds > 0 else { throw ValidationError("--timeout must be above 0; got \(text).") }
            return seconds
        }
        return .python(
            PythonFunctionSpec(
                function: reference, setup: setupReference, items: try Self.items(items),
                interpreter: interpreter ?? PythonFunctionSpec.defaultInterpreter, timeout: seconds
            )
        )
    }

    private static func reference(_ text: String, flag: String) throws(ValidationError) -> PythonFunctionSpec.Reference {
        guard let reference = PythonFunctionSpec.Reference(text) else {
            throw ValidationError("\(flag) '\(text)' is not FILE.py:NAME; name the file and the function in it, e.g. fetch.py:download.")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: reference.file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ValidationError("\(flag): no file \(reference.file); check the path.")
        }
        return reference
    }

    /// A number N, or the lines of a file (`-`: standard input, read once
    /// however often this is asked). A final empty line is not an item.
    private static func items(_ text: String) throws(ValidationError) -> PythonFunctionSpec.Items {
        if let count = Int(text.trimmingCharacters(in: .whitespaces)) {
            guard count >= 1 else { throw ValidationError("--items must be at least 1; got \(count).") }
            return .count(count)
        }
        let contents = text == "-" ? StandardInput.text : try? String(contentsOfFile: text, encoding: .utf8)
        guard let contents else {
            throw ValidationError("cannot read --items \(text); give a readable file of items, one per line, or a number.")
        }
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ValidationError("--items \(text) holds no items; put one per line.") }
        return .lines(source: text, lines)
    }
}

/// Standard input, read whole the first time it is asked for.
private enum StandardInput {
    static let text: String? = String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8)
}

/// Starts Python once per executor before a sweep and has it load the
/// function: a module that fails to import, a missing function or the wrong
/// kind of function for the executor is one line and exit 64, not a sweep of
/// failed runs.
enum PythonCheck {
    static func check(_ spec: WorkloadSpec, executors: [ExecutorKind]) throws(ValidationError) {
        guard case let .python(function) = spec else { return }
        do {
            let workload = try PythonWorkload(function)
            defer { workload.close() }
            for executor in executors { try workload.check(executor: executor) }
        } catch {
            let text = error.description
            throw ValidationError(text.prefix(1).lowercased() + text.dropFirst())
        }
    }
}
