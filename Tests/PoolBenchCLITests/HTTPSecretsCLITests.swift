import Foundation
import Testing

/// Credentials given to the http workload (a URL's user info, a credential
/// header) reach the server and nothing else: no stored row, export, report,
/// output or message holds them.
@Suite struct HTTPSecretsCLITests {
    static let quick = ["--tasks", "4", "--warmup", "0", "--repeat", "1", "--workers", "1,2"]

    @Test func aSecretIsSentToTheServerAndFoundInNoRowFileOrStream() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let server = try EchoServer(in: cli.directory)
        defer { server.stop() }
        let secret = "Sec-\(UUID().uuidString.prefix(8))"
        let secrets = cli.directory.appending(path: "secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        let urlsFile = secrets.appending(path: "urls.txt").path
        try "# the file's URL\n\(server.url("listed", userInfo: "filer:\(secret)"))\n".write(toFile: urlsFile, atomically: true, encoding: .utf8)
        let headerFile = secrets.appending(path: "headers.txt").path
        try "Cookie: session=\(secret)\nAccept: text/plain\n".write(toFile: headerFile, atomically: true, encoding: .utf8)
        let db = ["--db", "h.sqlite"]

        var streams: [(what: String, text: String)] = []
        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
            let result = try cli.run(arguments, environment: environment)
            streams.append((arguments.prefix(3).joined(separator: " ") + " stdout", result.stdout))
            streams.append((arguments.prefix(3).joined(separator: " ") + " stderr", result.stderr))
            return result
        }

        let byURL = try run(["run", "http", "--url", server.url("a", userInfo: "user:\(secret)")] + Self.quick + db)
        #expect(byURL.status == 0, "\(byURL.stderr)")
        #expect(byURL.stdout.contains("user:***@127.0.0.1"), "\(byURL.stdout)")
        let byFile = try run(["run", "http", "--urls-file", urlsFile, "--executor", "processes"] + Self.quick + db)
        #expect(byFile.status == 0, "\(byFile.stderr)")
        let byHeaders = try run(
            ["run", "http", "--url", server.url("h"), "--header", "Authorization: Bearer \(secret)", "--header", "X-Api-Key: \(secret)",
             "--header-file", headerFile, "--data", "{\"n\": 1}"] + Self.quick + db
        )
        #expect(byHeaders.status == 0, "\(byHeaders.stderr)")
        #expect(byHeaders.stdout.contains("'Authorization: ***'"), "\(byHeaders.stdout)")
        // A PostgreSQL URL handed to a command, and a request refused by a closed port.
        let byCommand = try run(["run", "command"] + Self.quick + db + ["--", "echo", "postgresql://qm:\(secret)@127.0.0.1:5/pb"])
        #expect(byCommand.status == 0, "\(byCommand.stderr)")
        let refused = try run(["run", "http", "--url", "http://user:\(secret)@127.0.0.1:1/"] + Self.quick + db)
        #expect(refused.stdout.contains("GET http://user:***@127.0.0.1:1/: connection refused"), "\(refused.stdout)")
        let badPort = try run(["run", "http", "--url", "http://user:\(secret)@127.0.0.1:99999/"] + Self.quick + db)
        #expect(badPort.status == 64)
        #expect(badPort.stderr.contains("http://user:***@127.0.0.1:99999/"), "\(badPort.stderr)")
        let badHeader = try run(["run", "http", "--url", server.url(), "--header", "Bearer \(secret)"] + Self.quick + db)
        #expect(badHeader.status == 64)

        for arguments in [
            ["history"], ["history", "--format", "json"], ["history", "--sweep", "1"], ["history", "--sweep", "3"],
            ["best"], ["best", "--format", "json"], ["trend"], ["export"], ["export", "--format", "json"],
            ["export", "--output", "runs.csv"], ["export", "--format", "json", "--output", "runs.json"],
            ["report", "--output", "report.html"],
        ] {
            let result = try run(arguments + db)
            #expect(result.status == 0 || arguments == ["trend"], "\(arguments): \(result.stderr)")
        }
        let best = try #require(streams.first { $0.what == "best --db h.sqlite stdout" })
        #expect(best.text.contains("user:***@"), "\(best.text)")

        let dump = try cli.shell(#"python3 -c 'import sqlite3; print("\n".join(sqlite3.connect("h.sqlite").iterdump()))'"#)
        #expect(dump.status == 0, "\(dump.stderr)")
        #expect(dump.stdout.contains("INSERT INTO \"run\""))
        streams.append(("every table of the history", dump.stdout))
        // Every file poolbench wrote, the history's own included, byte for byte.
        for name in try FileManager.default.contentsOfDirectory(atPath: cli.directory.path) where !name.hasPrefix("echo-") {
            guard let data = FileManager.default.contents(atPath: cli.path(name)) else { continue }
            streams.append((name, String(decoding: data, as: UTF8.self)))
        }
        #expect(streams.contains { $0.what == "report.html" } && streams.contains { $0.what == "runs.csv" })
        for (what, text) in streams {
            #expect(!text.contains(secret), "\(what) holds the secret")
        }

        // The server still got every credential.
        let requests = try server.requests()
        let basic = { (user: String) in "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString() }
        #expect(requests.contains { $0.path == "/a" && $0.header("Authorization") == basic("user") })
        #expect(requests.contains { $0.path == "/listed" && $0.header("Authorization") == basic("filer") })
        let withHeaders = try #require(requests.first { $0.path == "/h" })
        #expect(withHeaders.method == "POST")
        #expect(withHeaders.header("Authorization") == "Bearer \(secret)")
        #expect(withHeaders.header("X-Api-Key") == secret)
        #expect(withHeaders.header("Cookie") == "session=\(secret)")
        #expect(withHeaders.header("Accept") == "text/plain")
        #expect(withHeaders.body == "{\"n\": 1}")
    }

    @Test func badHeadersBodiesAndTrustFilesAreUsageErrorsThatEchoNoSecret() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let url = "http://127.0.0.1:1/"
        let cases: [(arguments: [String], message: String)] = [
            (["--header", "Bearer hunter2"], "a --header is not 'Name: value'"),
            (["--header", "X-Token: a\rb"], "a --header is not 'Name: value'"),
            (["--method", "GE T"], "--method 'GE T' is not an HTTP method"),
            (["--data", "@missing.json"], "cannot read --data @missing.json"),
            (["--cacert", "missing.pem"], "cannot read --cacert missing.pem"),
            (["--cacert", "ca.pem", "--insecure"], "give --cacert FILE or --insecure, not both."),
            (["--header-file", "missing.txt"], "cannot read --header-file missing.txt"),
        ]
        try "".write(toFile: cli.path("ca.pem"), atomically: true, encoding: .utf8)
        for (arguments, message) in cases {
            let result = try cli.run(["run", "http", "--url", url] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("hunter2"))
        }
        try "Accept: */*\nnot a header hunter2\n".write(toFile: cli.path("h.txt"), atomically: true, encoding: .utf8)
        let file = try cli.run(["run", "http", "--url", url, "--header-file", "h.txt"])
        #expect(file.status == 64)
        #expect(file.stderr.contains("line 2 of --header-file h.txt is not 'Name: value'"), "\(file.stderr)")
        #expect(!file.stderr.contains("hunter2"))
        let sleep = try cli.run(["run", "sleep", "--header", "Accept: */*"])
        #expect(sleep.status == 64)
        #expect(sleep.stderr.contains("--header applies to the http workload, not sleep."), "\(sleep.stderr)")
    }

    @Test func aMethodAndABodyFromAFileAreSentAsGiven() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let server = try EchoServer(in: cli.directory)
        defer { server.stop() }
        try "{\"items\": [1, 2]}".write(toFile: cli.path("body.json"), atomically: true, encoding: .utf8)
        let put = try cli.run(
            ["run", "http", "--url", server.url("put"), "--method", "put", "--data", "@body.json",
             "--header", "Content-Type: application/json"] + Self.quick
        )
        #expect(put.status == 0, "\(put.stderr)")
        #expect(put.stdout.contains("method=PUT"), "\(put.stdout)")
        #expect(put.stdout.contains("data=17B"), "\(put.stdout)")
        let requests = try server.requests()
        #expect(requests.count == 8)
        #expect(requests.allSatisfy { $0.method == "PUT" && $0.body == "{\"items\": [1, 2]}" && $0.header("Content-Type") == "application/json" })
    }

    /// A server whose certificate a private CA signed: refused with one
    /// readable line, then trusted through `--cacert` or `SSL_CERT_FILE`,
    /// or not checked with `--insecure` and a warning.
    @Test func aPrivateCertificateAuthorityIsTrustedOnlyWhenGiven() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let certificates = try TestCertificates(in: cli.directory)
        let server = try EchoServer(in: cli.directory, certificate: certificates.certificate, key: certificates.key)
        defer { server.stop() }
        let run = ["run", "http", "--url", server.url("tls")] + Self.quick

        let untrusted = try cli.run(run + ["--format", "json"])
        #expect(untrusted.status == 0, "\(untrusted.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(untrusted.stdout.utf8)) as? [String: Any])
        #expect(json["firstError"] as? String == "GET \(server.url("tls")): the server's certificate is not trusted: pass --cacert FILE with the CA that signed it, or --insecure")
        #expect(!untrusted.stdout.contains("BoringSSL") && !untrusted.stdout.contains(".build"))
        let history = try cli.run(["export"])
        #expect(history.stdout.contains("the server's certificate is not trusted"))

        for (arguments, environment) in [
            (["--cacert", certificates.authority], [String: String]()), ([], ["SSL_CERT_FILE": certificates.authority]),
            (["--executor", "processes", "--cacert", certificates.authority], [:]),
        ] {
            let trusted = try cli.run(run + arguments, environment: environment)
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(!trusted.stdout.contains("failed"), "\(arguments) \(environment): \(trusted.stdout)")
            #expect(trusted.stderr.isEmpty)
        }
        let insecure = try cli.run(run + ["--insecure"])
        #expect(!insecure.stdout.contains("failed"), "\(insecure.stdout)")
        #expect(insecure.stderr == "Warning: --insecure: the server's certificate is not verified, so anyone on the path can read or alter these requests.\n")
        let notPEM = try cli.run(run, environment: ["SSL_CERT_FILE": cli.path("absent.pem")])
        #expect(notPEM.status == 1)
        #expect(notPEM.stderr.contains("SSL_CERT_FILE"), "\(notPEM.stderr)")
    }
}
