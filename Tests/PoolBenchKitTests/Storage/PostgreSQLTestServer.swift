import Foundation
import Testing
@testable import PoolBenchKit

/// The PostgreSQL server the tests may use: `$POOLBENCH_TEST_POSTGRESQL`,
/// a URL that `scripts/postgresql-test-server start` prints. Without it the
/// PostgreSQL tests are skipped, and say so, except in CI, where they fail.
enum PostgreSQLTestServer {
    static let url = ProcessInfo.processInfo.environment["POOLBENCH_TEST_POSTGRESQL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    static let skipReason: Comment =
        "no PostgreSQL server: set POOLBENCH_TEST_POSTGRESQL (scripts/postgresql-test-server start prints it)"

    /// A new, empty database on the test server, dropped when `body` returns.
    static func withScratchDatabase<T>(_ body: (PostgreSQLLocation) throws -> T) throws -> T {
        let serverURL = try #require(url)
        let admin = try PostgreSQLConnection(try #require(PostgreSQLLocation(serverURL)))
        let name = "poolbench_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try admin.execute("CREATE DATABASE \(name)")
        defer { _ = try? admin.execute("DROP DATABASE \(name) WITH (FORCE)") }
        return try body(try #require(PostgreSQLLocation(url(database: name))))
    }

    /// The test server's URL with another database name, or another user.
    static func url(database: String, userInfo: String? = nil) -> String {
        guard let url, var components = URLComponents(string: url) else { return "" }
        components.path = "/" + database
        if let userInfo {
            let parts = userInfo.split(separator: ":", maxSplits: 1).map(String.init)
            components.user = parts.first
            components.password = parts.count > 1 ? parts[1] : nil
        }
        return components.string ?? ""
    }
}

@Suite struct PostgreSQLTestServerPresence {
    @Test func ciAlwaysHasAPostgreSQLServerForTheTests() {
        let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
        #expect(!inCI || PostgreSQLTestServer.isAvailable, "CI must start a server: scripts/postgresql-test-server start")
    }
}
