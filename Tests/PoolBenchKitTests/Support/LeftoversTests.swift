import Foundation
import Testing
@testable import PoolBenchKit

/// What a poolbench killed outright leaves behind, removed by the next one
/// only when it is provably a dead poolbench's and stale.
@Suite struct LeftoversTests {
    /// A pid that is certainly dead: a child that has exited and been reaped.
    static func deadPid() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "leftovers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func age(_ path: String, by seconds: TimeInterval) {
        let then = Date().addingTimeInterval(-seconds).timeIntervalSince1970
        var times = [timeval(tv_sec: Int(then), tv_usec: 0), timeval(tv_sec: Int(then), tv_usec: 0)]
        #expect(lutimes(path, &times) == 0)
    }

    @Test func onlyStaleTemporaryFilesOfDeadOwnersAreRemoved() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dead = try Self.deadPid()
        let names = [
            "stale": ".out.csv.poolbench-\(dead)-1a2b3c4d.tmp",
            "fresh": ".out.csv.poolbench-\(dead)-5e6f7a8b.tmp",
            "alive": ".out.csv.poolbench-\(getpid())-9c0d1e2f.tmp",
            "foreign": ".out.csv.1a2b3c4d.tmp",
            "user": "notes.poolbench-\(dead)-x.txt",
        ]
        for name in names.values { _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("x".utf8)) }
        for (key, name) in names where key != "fresh" { Self.age(directory + "/" + name, by: 3600) }

        let removed = AtomicFile.removeLeftovers(in: directory)
        #expect(removed == [directory + "/" + names["stale"]!])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(left == Set(names.values).subtracting([names["stale"]!]))
    }

    @Test func staleWorkloadDirectoriesOfDeadOwnersAreRemovedWithTheirContents() throws {
        let base = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let dead = try Self.deadPid()
        let stale = base + "/poolbench-\(dead)-file-AbCdEf"
        let mine = base + "/poolbench-\(getpid())-file-GhIjKl"
        let other = base + "/poolbench-cli-\(dead)"
        for directory in [stale, mine, other] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: directory + "/task-0", contents: Data(count: 1024))
            Self.age(directory, by: 3600)
        }
        #expect(TemporaryResources.removeLeftovers(in: base) == [stale])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: base)) == [URL(fileURLWithPath: mine).lastPathComponent, URL(fileURLWithPath: other).lastPathComponent])
    }

    @Test func theFileWorkloadsDirectoryNamesItsOwner() throws {
        let registry = TemporaryResources()
        let workload = try FileWorkload(bytes: 10, registry: registry)
        defer { workload.close() }
        #expect(URL(fileURLWithPath: workload.directory).lastPathComponent.hasPrefix("poolbench-\(getpid())-file-"))
        #expect(Leftovers.owner(of: URL(fileURLWithPath: workload.directory).lastPathComponent) == getpid())
    }

    @Test func anOwnerIsReadOnlyFromTheMarker() {
        #expect(Leftovers.owner(of: ".a.csv.poolbench-123-abcd.tmp") == 123)
        #expect(Leftovers.owner(of: "poolbench-42-file-x") == 42)
        #expect(Leftovers.owner(of: "poolbench-cli-42") == nil)
        #expect(Leftovers.owner(of: "poolbench-42") == nil)
        #expect(Leftovers.owner(of: "report.csv") == nil)
        #expect(Leftovers.owner(of: ".poolbench-report.html.poolbench-123-abcd.tmp") == 123)
        #expect(Leftovers.owner(of: ".poolbench-7-x.csv.poolbench-123-abcd.tmp") == 123)
    }

    @Test func aTemporaryNameFitsTheFileSystemsLimitHoweverLongItsTarget() {
        let limit = AtomicFile.maximumNameBytes(in: FileManager.default.temporaryDirectory.path)
        #expect(limit > 0)
        let short = AtomicFile.temporaryName(for: "out.csv", maximumBytes: 255)
        #expect(short.hasPrefix(".out.csv.poolbench-\(getpid())-") && short.hasSuffix(".tmp"))
        for target in [String(repeating: "a", count: 255), String(repeating: "é", count: 127) + "a", String(repeating: "東", count: 85)] {
            let name = AtomicFile.temporaryName(for: target, maximumBytes: 255)
            #expect(name.utf8.count <= 255, "\(name.utf8.count) bytes")
            #expect(name.utf8.count >= 250, "the target's name is cut no more than it must be")
            #expect(name.hasPrefix(".\(target.prefix(20))") && Leftovers.owner(of: name) == getpid())
        }
    }
}
