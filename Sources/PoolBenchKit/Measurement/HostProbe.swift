import Foundation

/// Describes the machine and the working directory's git state, as a sweep
/// records them.
public enum HostProbe {
    public static func current() -> HostRecord {
        var uts = utsname()
        uname(&uts)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return HostRecord(
            name: ProcessInfo.processInfo.hostName,
            os: osName() ?? text(uts.sysname),
            kernel: text(uts.release),
            cpuModel: cpuModel() ?? text(uts.machine),
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: Int64(clamping: ProcessInfo.processInfo.physicalMemory),
            poolbenchVersion: PoolBench.version
        )
    }

    /// `PRETTY_NAME` from /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)".
    static func osName() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return nil }
        return value(of: "PRETTY_NAME", separator: "=", in: text).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return value(of: "model name", separator: ":", in: text)
    }

    static func value(of key: String, separator: Character, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: separator, maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The commit and branch checked out in `directory`, when it is inside a
    /// git work tree and git is installed; nil otherwise.
    public static func git(in directory: String = FileManager.default.currentDirectoryPath) -> (commit: String?, branch: String?) {
        func ask(_ arguments: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", directory] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        guard let commit = ask(["rev-parse", "HEAD"]) else { return (nil, nil) }
        let branch = ask(["rev-parse", "--abbrev-ref", "HEAD"]).flatMap { $0 == "HEAD" ? nil : $0 }
        return (commit, branch)
    }
}
