import Foundation

/// Runs a Python comparison script that sits beside the benchmarks and
/// prints one JSON object, so Swift and Python figures come from one run.
enum PythonScript {
    /// The script's printed JSON decoded as `T`; nil, with a note, when
    /// python3 is missing or the script fails.
    static func run<T: Decodable>(_ name: String, _ arguments: [String], as type: T.Type) -> T? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            print("note: cannot run python3 (\(error))")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let printed = try? JSONDecoder().decode(T.self, from: data) else {
            print("note: \(name) failed (status \(process.terminationStatus))")
            return nil
        }
        return printed
    }
}
