import Foundation
import Testing

/// What a signal sent to poolbench alone leaves behind: no command or job
/// still running, and the exit code DESIGN gives it.
@Suite struct InterruptCLITests {
    @Test(arguments: [
        (SIGINT, ["run", "--job", "sleep 30 {workers}", "--workers", "1", "--warmup", "0", "--repeat", "1"], Int32(130)),
        (SIGTERM, ["run", "command", "--workers", "2", "--tasks", "4", "--warmup", "0", "--repeat", "1", "--", "sleep", "30"], Int32(143)),
        (SIGHUP, ["run", "command", "--workers", "1", "--tasks", "2", "--warmup", "0", "--repeat", "1", "--", "sleep", "30"], Int32(129)),
    ])
    /// Synchronous, with no suspension between starting poolbench and
    /// watching for its child: an async test could wait for a thread of the
    /// shared pool longer than the job's 30 s while other tests held them,
    /// find the job already over, and fail (seen in parallel runs).
    func aSignalToPoolbenchAloneStopsTheProgramsItStarted(signal: Int32, arguments: [String], status: Int32) throws {
        let cli = try CLI()
        defer { cli.remove() }
        let errors = cli.directory.appending(path: "stderr.txt")
        let process = try cli.start(arguments, errorFile: errors)
        let poolbench = process.processIdentifier
        var children: [pid_t] = []
        defer {
            // Only when the test failed is anything left to clean up.
            if process.isRunning { kill(poolbench, SIGKILL) }
            children.filter(Self.isAlive).forEach { kill($0, SIGKILL) }
        }
        // Only the workload's own children: poolbench runs git to describe
        // the working directory before its sweep begins and its Ctrl-C
        // handling is installed, and signalling it then tests nothing.
        // Up to a minute: on a loaded machine the sweep can be slow to start.
        for _ in 0..<1_200 where children.isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
            children = Self.children(of: poolbench).filter { Self.name(of: $0) == "sleep" }
        }
        if children.isEmpty {
            let state = process.isRunning ? "still running" : "exited with \(process.terminationStatus)"
            let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            Issue.record("poolbench started no child within 60 s; it is \(state); its stderr: \(said)")
            return
        }

        kill(poolbench, signal)
        // The assertion is about the processes; the wait only bounds it.
        for _ in 0..<100 where children.contains(where: Self.isAlive) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let survivors = children.filter(Self.isAlive)
        #expect(survivors == [], "still running 5 s after poolbench was signalled")
        // A survivor holds poolbench's inherited descriptors, which Process
        // waits for; it is the test's to stop before waiting.
        survivors.forEach { kill($0, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == status)
        let history = try cli.run(["history", "--format", "json"])
        #expect(history.stdout.contains("\"status\" : \"interrupted\""), "\(history.stdout)")
    }

    /// Signalled the moment it prints its URL, twenty times: a signal that
    /// came before libdispatch had taken it over used to be dropped, and
    /// about one `serve` in seventy on a busy machine never stopped.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func serveExitsWithTheCodeOfTheSignalThatStoppedIt(signal: Int32, status: Int32) throws {
        let cli = try CLI()
        defer { cli.remove() }
        for _ in 0..<20 {
            let server = try RealJobsCLITests.Server(cli)
            kill(server.process.processIdentifier, signal)
            // Bounded: a server that missed the signal fails the test, not hangs it.
            for _ in 0..<200 where server.process.isRunning { Thread.sleep(forTimeInterval: 0.025) }
            guard !server.process.isRunning else {
                Issue.record("serve was still running 5 s after signal \(signal)")
                kill(server.process.processIdentifier, SIGKILL)
                server.process.waitUntilExit()
                return
            }
            server.process.waitUntilExit()
            #expect(server.process.terminationReason == .exit)
            #expect(server.process.terminationStatus == status)
        }
    }

    /// Processes whose parent is `parent`, from /proc.
    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { status(of: $0)?.parent == parent }
    }

    /// The program name the kernel keeps for `pid`.
    static func name(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Running or stopped, not gone and not a zombie waiting to be reaped.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let state = status(of: pid)?.state else { return false }
        return state != "Z" && state != "X"
    }

    /// The state letter and parent pid in /proc/PID/stat, which follow the
    /// command name in parentheses (a name that may hold anything).
    static func status(of pid: pid_t) -> (state: Character, parent: pid_t)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        return (state, parent)
    }
}
