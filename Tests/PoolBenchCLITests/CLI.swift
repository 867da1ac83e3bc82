import Foundation
import Testing

/// Runs the built `poolbench` binary the way a person would, and keeps what
/// it printed and how it exited.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary SwiftPM built beside the test bundle.
    static let binary: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appending(path: "poolbench")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appending(path: "poolbench")
    }()

    /// A scratch directory that is the working directory of every run, so
    /// the default `./poolbench.sqlite` lands there.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appending(path: name).path }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs `arguments` in a fresh scratch directory (after `prepare`) and
    /// expects a usage error: exit 64 and one line on stderr holding
    /// `message`; with `createsNothing`, no history left behind either.
    static func expectUsageError(
        _ arguments: [String], _ message: String, createsNothing: Bool = false, prepare: (CLI) throws -> Void = { _ in }
    ) throws {
        let cli = try CLI()
        defer { cli.remove() }
        try prepare(cli)
        let result = try cli.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        if createsNothing {
            #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")), "nothing is created for bad input")
        }
    }

    /// Starts poolbench without waiting, for tests that signal it.
    /// Starts poolbench without waiting, stdout on /dev/null and stderr on
    /// `errorFile` (a file in the scratch directory) when given.
    func start(_ arguments: [String], errorFile: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        if let errorFile {
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errorFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try run(Self.binary, arguments, environment: environment)
    }

    /// Runs `script` with `/bin/sh -c` in the scratch directory, with the
    /// binary's path in `$POOLBENCH`: for what a shell sets up and Process
    /// cannot, such as a closed stderr (`2>&-`) or stdout on /dev/full.
    @discardableResult
    func shell(_ script: String) throws -> Result {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: ["POOLBENCH": Self.binary.path])
    }

    /// Runs `executable` with `arguments` in the scratch directory, with
    /// `environment` over this process's (less `POOLBENCH_DB`).
    func run(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "POOLBENCH_DB")
        env.merge(environment) { $1 }
        process.environment = env
        // Files, not pipes: a chatty child can never stall on a full pipe.
        let outURL = directory.appending(path: ".stdout-\(UUID().uuidString)")
        let errURL = directory.appending(path: ".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = try Data(contentsOf: outURL), stderrData = try Data(contentsOf: errURL)
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }
}
