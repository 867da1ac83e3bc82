import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// What `--db` may name, and how failures of the file it names read.
@Suite struct HistoryLocationTests {
    @Test func aDeviceIsRefusedBeforeAnythingIsCreatedBesideIt() throws {
        for create in [true, false] {
            #expect(throws: PoolBenchError.historyNotAFile(path: "/dev/null", what: "a character device")) {
                try HistoryLocation.open("/dev/null", create: create)
            }
        }
        // As root, SQLite created /dev/null-journal before failing.
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
    }

    @Test func aFIFOIsRefusedInsteadOfWaitedOn() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("pipe")
        #expect(mkfifo(path, 0o600) == 0)
        for create in [true, false] {
            #expect(throws: PoolBenchError.historyNotAFile(path: path, what: "a named pipe (FIFO)")) {
                try HistoryLocation.open(path, create: create)
            }
        }
    }

    @Test func aSymbolicLinkThatLoopsIsNamedAsSuch() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("loopy")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "loopy")
        for create in [true, false] {
            #expect(throws: PoolBenchError.historyNotAFile(path: path, what: "a symbolic link that loops (it never reaches a file)")) {
                try HistoryLocation.open(path, create: create)
            }
        }
    }

    @Test func aNameTooLongIsRefusedForWritingAndReading() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let tooLong = scratch.path(String(repeating: "h", count: 300))
        for create in [true, false] {
            #expect(throws: PoolBenchError.historyNameTooLong(path: tooLong)) { try HistoryLocation.open(tooLong, create: create) }
        }
        // 250 bytes is a legal name, but not with "-journal" after it.
        let noRoomForJournal = scratch.path(String(repeating: "h", count: 250))
        #expect(throws: PoolBenchError.historyNameTooLong(path: noRoomForJournal)) {
            try HistoryLocation.open(noRoomForJournal, create: true)
        }
        #expect(throws: PoolBenchError.historyNotFound(path: noRoomForJournal)) {
            try HistoryLocation.open(noRoomForJournal, create: false)
        }
        let longest = scratch.path(String(repeating: "h", count: SQLiteHistoryStore.longestName))
        try HistoryLocation.open(longest, create: true).close()
        #expect(FileManager.default.fileExists(atPath: longest))
    }

    @Test func aPathThroughAFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try Data("notes".utf8).write(to: scratch.url.appending(path: "notes.txt"))
        let path = scratch.path("notes.txt/h.sqlite")
        #expect(throws: PoolBenchError.historyNotAFile(path: path, what: "a path through a file, as if it were a directory")) {
            try HistoryLocation.open(path, create: true)
        }
    }

    @Test func aMissingPathIsStillCreatedForWritingAndNamedForReading() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("new.sqlite")
        #expect(throws: PoolBenchError.historyNotFound(path: path)) { try HistoryLocation.open(path, create: false) }
        try HistoryLocation.open(path, create: true).close()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func aLibpqKeywordStringIsRefusedWithoutItsPasswordAndCreatesNoFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = "host=127.0.0.1 port=5432 dbname=pb user=qm password=Hunter2-SECRET"
        let error = try #require(throws: PoolBenchError.self) { try HistoryLocation.open(text, create: true) }
        #expect(error == .postgreSQLKeywordString(keywords: ["host", "port", "dbname", "user", "password"]))
        #expect(!error.description.contains("Hunter2"))
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains("host=… port=…"))
        #expect(!FileManager.default.fileExists(atPath: text))
    }

    @Test func onlyTextThatStartsWithALibpqKeywordIsAKeywordString() {
        #expect(PostgreSQLLocation.connectionStringKeywords("password=x host=db") == ["password", "host"])
        #expect(PostgreSQLLocation.connectionStringKeywords("  dbname = pb  password='a b host=x' sslmode=require") == ["dbname", "password", "sslmode"])
        #expect(PostgreSQLLocation.connectionStringKeywords(#"password=a\ host=x user=qm"#) == ["password", "user"])
        #expect(PostgreSQLLocation.connectionStringKeywords("results=1.sqlite") == nil)
        #expect(PostgreSQLLocation.connectionStringKeywords("./host=db") == nil)
        #expect(PostgreSQLLocation.connectionStringKeywords("poolbench.sqlite") == nil)
        #expect(PostgreSQLLocation.connectionStringKeywords("hostname.sqlite") == nil)
    }

    @Test func aFullDiskIsSaidInOneLine() throws {
        let error = SQLiteHistoryStore.explained(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"), path: "h.sqlite")
        #expect(error == .historyDiskFull(path: "h.sqlite"))
        #expect(error.description.hasPrefix("could not write to the history h.sqlite: the disk is full."))
        #expect(!error.description.contains("cannot open"))
        #expect(!error.description.contains("\n"))
        #expect(SQLiteHistoryStore.writeFailure(DatabaseError(resultCode: .SQLITE_FULL)) == "the disk is full")
    }

    @Test func anotherProgramsMigrationTableIsNotAHistory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("other.sqlite")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE migration (id INTEGER PRIMARY KEY, filename TEXT, ranAt TEXT)")
            try db.execute(sql: "INSERT INTO migration (filename, ranAt) VALUES ('001_init.sql', 'yesterday')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for create in [true, false] {
            #expect(throws: PoolBenchError.notAPoolbenchHistory(path: path)) { try HistoryLocation.open(path, create: create) }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aLockIsWaitedForAMinuteInPausesOfAtMost50Milliseconds() {
        var tries = 0
        var slept = 0
        while let pause = SQLiteHistoryStore.lockWaitPause(afterTries: tries) {
            #expect(pause >= 1 && pause <= 50)
            slept += pause
            tries += 1
        }
        #expect(slept <= SQLiteHistoryStore.lockWaitMilliseconds)
        #expect(slept > SQLiteHistoryStore.lockWaitMilliseconds - 50)
        let afterSignal = SQLiteHistoryStore.lockWaitAfterSignalMilliseconds
        let short = (0...).lazy.map { SQLiteHistoryStore.lockWaitPause(afterTries: $0, limit: afterSignal) }.prefix { $0 != nil }
        #expect(short.reduce(0) { $0 + $1! } <= afterSignal)
        #expect(short.reduce(0) { $0 + $1! } > afterSignal - 50)
    }
}
