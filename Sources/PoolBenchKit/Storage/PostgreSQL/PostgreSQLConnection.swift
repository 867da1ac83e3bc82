import CLibPQ
import Foundation

/// One libpq connection, used by one thread at a time: the PostgreSQL store
/// serialises its calls. Every value goes to the server as a bound
/// parameter in text form (`PQexecParams`), never spliced into SQL.
///
/// libpq rather than a pure-Swift driver: it is what `psql` itself uses,
/// it reads `PGPASSWORD`, `~/.pgpass` and every connection parameter the
/// way a team's other tools do, it speaks `COPY` for bulk moves, and as a
/// system library it adds no package to compile. It is loaded only here,
/// when a PostgreSQL history is opened (`LibPQ`).
final class PostgreSQLConnection {
    private let handle: OpaquePointer
    private let libpq: LibPQ
    let location: PostgreSQLLocation

    init(_ location: PostgreSQLLocation) throws {
        self.location = location
        if location.misreadUserInfo { throw PoolBenchError.postgreSQLMisreadURL(location: location.description) }
        let libpq = try LibPQ.shared()
        self.libpq = libpq
        // libpq reads the URL itself (`expand_dbname`), as psql does; the
        // timeout goes beside it as a keyword of its own, never into the
        // URL's text, where a "?" in the password would make it part of
        // the database name. A server that does not answer fails the
        // connection within this many seconds instead of libpq's default
        // of waiting forever; a `connect_timeout` in the URL, read after
        // it, wins.
        let keywords = ["connect_timeout", "dbname"]
        let values = ["10", location.url]
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in
                libpq.PQconnectdbParams(keywords + [nil], values + [nil], 1)
            }
        }
        guard let handle = connection else {
            throw PoolBenchError.postgreSQLUnavailable(location: location.description, reason: "out of memory")
        }
        guard libpq.PQstatus(handle) == CONNECTION_OK else {
            // libpq quotes what it cannot read, a badly encoded password too.
            let reason = location.redactingSecrets(Self.message(libpq.PQerrorMessage(handle)))
            libpq.PQfinish(handle)
            throw PoolBenchError.postgreSQLUnavailable(location: location.description, reason: reason)
        }
        self.handle = handle
        // Notices (e.g. "relation already exists, skipping") are for people
        // at a psql prompt, not for poolbench's stderr.
        _ = libpq.PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { libpq.PQfinish(handle) }

    /// Runs one statement with `parameters` bound to `$1`, `$2`, …; nil is NULL.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws -> PostgreSQLRows {
        let result = withCStrings(parameters) { values in
            libpq.PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs a script of several statements and no parameters, such as a
    /// migration file, as one command (`PQexec`).
    func executeScript(_ sql: String) throws {
        _ = try check(libpq.PQexec(handle, sql), sql: sql)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled
    /// back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// `COPY … FROM STDIN`: sends what `produce` hands to `send`, in any
    /// pieces, then ends the copy. The rows are the server's text format.
    func copyIn(_ sql: String, _ produce: ((Data) throws -> Void) throws -> Void) throws {
        try expect(libpq.PQexec(handle, sql), status: PGRES_COPY_IN, sql: sql)
        do {
            try produce { data in
                let sent = data.withUnsafeBytes { bytes in
                    libpq.PQputCopyData(handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
                }
                guard sent == 1 else { throw self.failure(sql: sql) }
            }
        } catch {
            _ = libpq.PQputCopyEnd(handle, "poolbench stopped the copy")
            drainResults()
            throw error
        }
        guard libpq.PQputCopyEnd(handle, nil) == 1 else { throw failure(sql: sql) }
        try check(libpq.PQgetResult(handle), sql: sql)
        drainResults()
    }

    /// `COPY … TO STDOUT`: hands each row, as the server's text, to `consume`.
    func copyOut(_ sql: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try expect(libpq.PQexec(handle, sql), status: PGRES_COPY_OUT, sql: sql)
        var buffer: UnsafeMutablePointer<CChar>?
        while true {
            let length = libpq.PQgetCopyData(handle, &buffer, 0)
            if length == -1 { break }
            guard length >= 0, let row = buffer else { throw failure(sql: sql) }
            defer { libpq.PQfreemem(row) }
            try consume(UnsafeRawBufferPointer(start: row, count: Int(length)))
        }
        try check(libpq.PQgetResult(handle), sql: sql)
        drainResults()
    }

    /// Whether the connection still reaches its server.
    var isAlive: Bool { libpq.PQstatus(handle) == CONNECTION_OK }

    private func drainResults() {
        while let extra = libpq.PQgetResult(handle) { libpq.PQclear(extra) }
    }

    private func expect(_ result: OpaquePointer?, status: ExecStatusType, sql: String) throws {
        defer { libpq.PQclear(result) }
        guard let result, libpq.PQresultStatus(result) == status else {
            throw result.map { resultError($0, sql: sql) } ?? failure(sql: sql)
        }
    }

    @discardableResult
    private func check(_ result: OpaquePointer?, sql: String) throws -> PostgreSQLRows {
        guard let result else { throw failure(sql: sql) }
        switch libpq.PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgreSQLRows(result, libpq)
        default:
            defer { libpq.PQclear(result) }
            throw resultError(result, sql: sql)
        }
    }

    private func resultError(_ result: OpaquePointer, sql: String) -> PoolBenchError {
        let state = libpq.PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = libpq.PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? Self.message(libpq.PQresultErrorMessage(result))
        let reason = location.redactingSecrets(message)
        if !isAlive { return .postgreSQLConnectionLost(location: location.description, reason: reason) }
        return .postgreSQLFailed(location: location.description, state: state, reason: reason)
    }

    private func failure(sql: String) -> PoolBenchError {
        let reason = location.redactingSecrets(Self.message(libpq.PQerrorMessage(handle)))
        if !isAlive { return .postgreSQLConnectionLost(location: location.description, reason: reason) }
        return .postgreSQLFailed(location: location.description, state: "", reason: reason)
    }

    /// libpq's message on one line: it ends with a line break and may hold
    /// several ("connection to server … failed: FATAL: …\n").
    static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}

/// The rows of one result, read by column name, as text (nil for NULL).
final class PostgreSQLRows {
    private let result: OpaquePointer
    private let libpq: LibPQ

    init(_ result: OpaquePointer, _ libpq: LibPQ) {
        self.result = result
        self.libpq = libpq
    }

    deinit { libpq.PQclear(result) }

    var count: Int { Int(libpq.PQntuples(result)) }
    /// Rows an INSERT, UPDATE or DELETE touched.
    var affected: Int { libpq.PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0 }

    func column(_ name: String) -> Int? {
        let index = libpq.PQfnumber(result, name)
        return index < 0 ? nil : Int(index)
    }

    func text(_ row: Int, _ column: Int) -> String? {
        if libpq.PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
        return libpq.PQgetvalue(result, Int32(row), Int32(column)).map { String(cString: $0) }
    }

    func text(_ row: Int, _ name: String) -> String? {
        column(name).flatMap { text(row, $0) }
    }
}

/// Hands `body` the strings as C strings that live until it returns.
private func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}
