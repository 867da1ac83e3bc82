import Foundation
import Testing
@testable import PoolBenchKit

/// Where `export --output` writes: through symlinks, as a stream to devices
/// and FIFOs, and never into the history's own files.
@Suite struct OutputTargetTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "output-target-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    @Test func devicesAndFIFOsAreStreams() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try OutputTarget.resolve("/dev/null", historyPath: path("h.sqlite")) == .stream("/dev/null"))
        #expect(mkfifo(path("fifo"), 0o600) == 0)
        #expect(try OutputTarget.resolve(path("fifo"), historyPath: path("h.sqlite")) == .stream(path("fifo")))
        try FileManager.default.createSymbolicLink(atPath: path("null-link"), withDestinationPath: "/dev/null")
        #expect(try OutputTarget.resolve(path("null-link"), historyPath: path("h.sqlite")) == .stream("/dev/null"))
    }

    @Test func aSymlinkChainIsFollowedToItsTargetEvenOneNotYetThere() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: path("a"), withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: path("b"), withDestinationPath: path("c.csv"))
        #expect(try OutputTarget.resolve(path("a"), historyPath: path("h.sqlite")) == .file(path("c.csv")))
        #expect(try OutputTarget.resolve(path("plain.csv"), historyPath: path("h.sqlite")) == .file(path("plain.csv")))
        try FileManager.default.createSymbolicLink(atPath: path("loop"), withDestinationPath: "loop")
        #expect(throws: Never.self) { _ = try OutputTarget.resolve(path("loop"), historyPath: path("h.sqlite")) }
    }

    @Test func theHistorysFilesAreRefusedByNameLinkOrInode() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = path("h.sqlite")
        _ = FileManager.default.createFile(atPath: history, contents: Data("SQLite format 3\0".utf8))
        _ = FileManager.default.createFile(atPath: history + "-wal", contents: Data())
        #expect(link(history, path("hard")) == 0)
        try FileManager.default.createSymbolicLink(atPath: path("soft"), withDestinationPath: "h.sqlite-shm")
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: true)
        for output in [history, history + "-wal", history + "-shm", history + "-journal", path("hard"), path("soft"), path("sub/../h.sqlite-wal")] {
            #expect(throws: PoolBenchError.outputIsHistory(path: output)) { try OutputTarget.resolve(output, historyPath: history) }
        }
        #expect(try OutputTarget.resolve(history + "-wal.csv", historyPath: history) == .file(history + "-wal.csv"))
    }

    @Test func aHistoryOpenedThroughASymlinkHasItsFilesRefusedBesideTheLinksTarget() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: path("data"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path("data/h.sqlite"), contents: Data("SQLite format 3\0".utf8))
        try FileManager.default.createSymbolicLink(atPath: path("link.sqlite"), withDestinationPath: "data/h.sqlite")
        for output in [path("data/h.sqlite-wal"), path("data/h.sqlite-shm"), path("data/h.sqlite-journal"), path("link.sqlite-wal"), path("link.sqlite")] {
            #expect(throws: PoolBenchError.outputIsHistory(path: output)) { try OutputTarget.resolve(output, historyPath: path("link.sqlite")) }
        }
        #expect(try OutputTarget.resolve(path("h.sqlite-wal"), historyPath: path("link.sqlite")) == .file(path("h.sqlite-wal")))
    }

    @Test func everyWriteIsRefusedOnTheHistorysFilesBeforeItsBodyRuns() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = path("h.sqlite")
        _ = FileManager.default.createFile(atPath: history, contents: Data("SQLite format 3\0".utf8))
        _ = FileManager.default.createFile(atPath: history + "-wal", contents: Data("log".utf8))
        #expect(throws: PoolBenchError.outputIsHistory(path: history + "-wal")) {
            try OutputTarget.write(toFile: history + "-wal", historyPath: history) { _ in Issue.record("the body ran") }
        }
        #expect(FileManager.default.contents(atPath: history + "-wal") == Data("log".utf8))
        let written = try OutputTarget.write(toFile: path("page.html"), historyPath: history) { output in
            output.write("page")
            return 4
        }
        #expect(written == 4 && FileManager.default.contents(atPath: path("page.html")) == Data("page".utf8))
    }
}
