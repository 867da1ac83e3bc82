import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct PostgreSQLLocationTests {
    @Test func onlyPostgreSQLURLsSelectPostgreSQL() {
        #expect(PostgreSQLLocation("postgresql://u@h/db") != nil)
        #expect(PostgreSQLLocation("POSTGRES://u@h/db") != nil)
        #expect(PostgreSQLLocation("poolbench.sqlite") == nil)
        #expect(PostgreSQLLocation("postgresql.sqlite") == nil)
        #expect(PostgreSQLLocation("./postgresql://x") == nil)
    }

    @Test func theDescriptionNeverHoldsThePassword() {
        let cases = [
            ("postgresql://ci:s3cret@db:5432/bench", "postgresql://ci@db:5432/bench"),
            ("postgresql://ci:p@ss@db/bench?sslmode=require", "postgresql://ci@db/bench?sslmode=require"),
            ("postgres://db/bench?user=ci&password=s3cret&sslmode=disable", "postgres://db/bench?user=ci&sslmode=disable"),
            ("postgresql://db/bench?password=s3cret", "postgresql://db/bench"),
            ("postgresql:///bench?host=/run/pg", "postgresql:///bench?host=/run/pg"),
            ("postgresql://ci@db", "postgresql://ci@db"),
        ]
        for (url, shown) in cases {
            let location = PostgreSQLLocation(url)
            #expect(location?.description == shown, "\(url)")
            #expect(location?.description.contains("s3cret") == false)
            #expect(location?.description.contains("p@ss") == false)
        }
    }

    /// libpq ends the password at the first "@" unless a "/" comes first;
    /// the description hides everything up to the last "@", so no reading
    /// of a URL shows any part of a password.
    @Test func aPasswordWithURLDelimitersIsHiddenWhicheverWayItIsRead() {
        let cases = [
            ("postgresql://qm:p?SECRET@127.0.0.1:55439/pb", "postgresql://qm@127.0.0.1:55439/pb", false),
            ("postgresql://qm:SE/CRET@127.0.0.1:55439/pb", "postgresql://qm@127.0.0.1:55439/pb", true),
            ("postgresql://qm:SE%zzCRET@127.0.0.1:55439/pb", "postgresql://qm@127.0.0.1:55439/pb", false),
            ("postgresql://qm:SE:CR@ET@127.0.0.1:55439/pb?sslmode=disable", "postgresql://qm@127.0.0.1:55439/pb?sslmode=disable", true),
            ("postgresql://qm:SE/CR?ET@h/pb", "postgresql://qm@h/pb", true),
            ("postgresql://qm:p%3FS%2FE%25C%40R%3AT@h/pb", "postgresql://qm@h/pb", false),
            ("postgresql://h/pb?application_name=a@b&password=SECRET", "postgresql://h/pb?application_name=a@b", true),
        ]
        for (url, shown, misread) in cases {
            let location = PostgreSQLLocation(url)
            #expect(location?.description == shown, "\(url)")
            #expect(location?.misreadUserInfo == misread, "\(url)")
            #expect(Redaction.text("--db=" + url) == "--db=" + shown)
        }
    }

    @Test func libpqsMessagesLoseEveryFormOfThePassword() throws {
        let location = try #require(PostgreSQLLocation("postgresql://qm:SE%zzCR%3FET@h/pb?password=p%40ss"))
        let said = location.redactingSecrets(#"invalid percent-encoded token: "SE%zzCR%3FET"; p@ss and p%40ss"#)
        #expect(said == #"invalid percent-encoded token: "***"; *** and ***"#)
        let encoded = try #require(PostgreSQLLocation("postgresql://qm:p%3FS%2FE%25C%40R%3AT@h/pb"))
        #expect(encoded.redactingSecrets("password p?S/E%C@R:T or p%3FS%2FE%25C%40R%3AT") == "password *** or ***")
    }
}

@Suite(.enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason))
struct PostgreSQLConnectionTests {
    /// The test server's socket directory written as the URL's host, so
    /// the URL has no query of its own: where a "?" in the password once
    /// made poolbench's own `connect_timeout` part of the database name.
    static func symbolsURL(password: String) throws -> String {
        let server = try #require(PostgreSQLTestServer.url.flatMap(URLComponents.init(string:)))
        let socket = try #require(server.queryItems?.first { $0.name == "host" }?.value)
        let host = try #require(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        return "postgresql://poolbench_symbols:\(password)@\(host)/postgres"
    }

    /// `poolbench_symbols`'s password is `p?S/E%C@R:T`: percent-encoded as
    /// a user must, and with "?" and ":" left as they are, as psql takes it.
    @Test(arguments: ["p%3FS%2FE%25C%40R%3AT", "p?S%2FE%25C%40R:T"])
    func aPasswordHoldingURLDelimitersConnects(password: String) throws {
        let connection = try PostgreSQLConnection(try #require(PostgreSQLLocation(try Self.symbolsURL(password: password))))
        #expect(try connection.execute("SELECT current_user AS who").text(0, "who") == "poolbench_symbols")
    }

    @Test(arguments: ["Zq9%3Fo%2FJk4%25g%40w%3Ax", "Zq9?o%2FJk4%25g%40w:x", "Zq9%zzJk4", "Zq9/Jk4", "Zq9@Jk4"])
    func aWrongPasswordWithURLDelimitersIsNeverShown(password: String) throws {
        let url = try Self.symbolsURL(password: password)
        let error = try #require(throws: PoolBenchError.self) { try PostgreSQLConnection(try #require(PostgreSQLLocation(url))) }
        let message = error.description
        #expect(!message.contains("\n"))
        #expect(message.contains("poolbench_symbols@"), "\(message)")
        for secret in [password, password.removingPercentEncoding ?? password, "Zq9", "Jk4"] {
            #expect(!message.contains(secret), "\(message)")
        }
        if password.contains("%zz") {
            #expect(message.contains(#"invalid percent-encoded token: "***""#), "\(message)")
        } else if password.contains("/") || password.contains("@") && !password.contains("%40") {
            #expect(error == .postgreSQLMisreadURL(location: try #require(PostgreSQLLocation(url)).description))
        } else {
            #expect(message.contains("password authentication failed"), "\(message)")
        }
    }

    @Test func boundParametersCarryAnyTextAndNull() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let connection = try PostgreSQLConnection(location)
            try connection.execute("CREATE TABLE note (id integer PRIMARY KEY, body text)")
            let hostile = "x'); DROP TABLE note; -- \u{1B}[2J ünïcödé \"quoted\""
            try connection.execute("INSERT INTO note (id, body) VALUES ($1, $2), ($3, $4)", ["1", hostile, "2", nil])
            let rows = try connection.execute("SELECT id, body FROM note ORDER BY id")
            #expect(rows.count == 2)
            #expect(rows.text(0, "body") == hostile)
            #expect(rows.text(1, "body") == nil)
            #expect(rows.text(1, "id") == "2")
        }
    }

    @Test func aTransactionThatThrowsLeavesNothingBehind() throws {
        struct Stop: Error {}
        try PostgreSQLTestServer.withScratchDatabase { location in
            let connection = try PostgreSQLConnection(location)
            try connection.execute("CREATE TABLE note (id integer PRIMARY KEY)")
            do {
                try connection.transaction {
                    try connection.execute("INSERT INTO note (id) VALUES ($1)", ["1"])
                    throw Stop()
                }
                Issue.record("the transaction's error was swallowed")
            } catch is Stop {}
            try connection.transaction { _ = try connection.execute("INSERT INTO note (id) VALUES ($1)", ["2"]) }
            let rows = try connection.execute("SELECT id FROM note")
            #expect(rows.count == 1)
            #expect(rows.text(0, "id") == "2")
        }
    }

    @Test func copyMovesRowsInAndOutUnchanged() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let connection = try PostgreSQLConnection(location)
            try connection.execute("CREATE TABLE note (id integer, body text)")
            let lines = (1...1_000).map { "\($0)\tline \\\\ \($0)\n" }
            try connection.copyIn("COPY note (id, body) FROM STDIN") { send in
                for chunk in stride(from: 0, to: lines.count, by: 100) {
                    try send(Data(lines[chunk..<chunk + 100].joined().utf8))
                }
            }
            var copied = Data()
            try connection.copyOut("COPY (SELECT id, body FROM note ORDER BY id) TO STDOUT") { copied.append(contentsOf: $0) }
            #expect(String(decoding: copied, as: UTF8.self) == lines.joined())
            #expect(try connection.execute("SELECT count(*) AS n FROM note").text(0, "n") == "1000")
        }
    }

    @Test func aFailedCopyStoresNoRow() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let connection = try PostgreSQLConnection(location)
            try connection.execute("CREATE TABLE note (id integer)")
            #expect(throws: PoolBenchError.self) {
                try connection.copyIn("COPY note (id) FROM STDIN") { send in
                    try send(Data("1\n2\nnot a number\n".utf8))
                }
            }
            #expect(try connection.execute("SELECT count(*) AS n FROM note").text(0, "n") == "0")
            // The connection is usable afterwards.
            try connection.execute("INSERT INTO note (id) VALUES ($1)", ["3"])
        }
    }

    @Test func aWrongPasswordIsOneLineWithoutThePassword() throws {
        let url = PostgreSQLTestServer.url(database: "postgres", userInfo: "poolbench_password:wrong-Secret-42")
        let location = try #require(PostgreSQLLocation(url))
        let error = try #require(throws: PoolBenchError.self) { try PostgreSQLConnection(location) }
        let message = error.description
        #expect(message.contains("password authentication failed"))
        #expect(!message.contains("wrong-Secret-42"))
        #expect(!message.contains("\n"))
    }

    @Test func theRightPasswordConnects() throws {
        let url = PostgreSQLTestServer.url(database: "postgres", userInfo: "poolbench_password:correct horse")
        let connection = try PostgreSQLConnection(try #require(PostgreSQLLocation(url)))
        #expect(try connection.execute("SELECT current_user AS who").text(0, "who") == "poolbench_password")
    }

    @Test func aMissingDatabaseSaysSo() throws {
        let location = try #require(PostgreSQLLocation(PostgreSQLTestServer.url(database: "no_such_history")))
        let error = try #require(throws: PoolBenchError.self) { try PostgreSQLConnection(location) }
        #expect(error.description.contains("\"no_such_history\" does not exist"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aServerThatIsNotThereFailsQuickly() throws {
        let location = try #require(PostgreSQLLocation("postgresql://nobody@/postgres?host=/nonexistent-socket-dir"))
        let error = try #require(throws: PoolBenchError.self) { try PostgreSQLConnection(location) }
        guard case .postgreSQLUnavailable = error else {
            Issue.record("expected unavailable, got \(error)")
            return
        }
    }
}
