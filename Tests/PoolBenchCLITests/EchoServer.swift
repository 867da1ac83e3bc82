import Foundation
import Testing

/// A loopback HTTP (or, given a certificate, HTTPS) server in python3 that
/// answers every request `200 ok` and writes down what it received, so a
/// test can check that credentials, headers and bodies really arrived.
struct EchoServer {
    /// One request as the server read it.
    struct Request: Decodable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String

        /// A header's value, whatever the case of its name.
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// The server's source, shared with `scripts/probe.sh`.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/servers/echo_server.py").path

    let process: Process
    let port: Int
    let log: URL
    let scheme: String

    /// Starts the server in `directory`; with `certificate` and `key` (PEM
    /// files) it speaks TLS.
    init(in directory: URL, certificate: String? = nil, key: String? = nil) throws {
        log = directory.appending(path: "echo-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        (process, port) = try FixtureServer.start(Self.script, [log.path] + [certificate, key].compactMap { $0 })
        scheme = certificate == nil ? "http" : "https"
    }

    /// `http://127.0.0.1:PORT/path`, with `userInfo@` before the host when given.
    func url(_ path: String = "", userInfo: String? = nil) -> String {
        "\(scheme)://\(userInfo.map { $0 + "@" } ?? "")127.0.0.1:\(port)/\(path)"
    }

    /// Every request received so far.
    func requests() throws -> [Request] {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Request.self, from: Data($0.utf8))
        }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A certificate authority and a certificate it signed for 127.0.0.1, made
/// with `openssl` for one test.
struct TestCertificates {
    let authority: String
    let certificate: String
    let key: String

    init(in directory: URL) throws {
        func path(_ name: String) -> String { directory.appending(path: name).path }
        authority = path("ca.pem")
        certificate = path("server.pem")
        key = path("server.key")
        let script = """
            set -e
            cd '\(directory.path)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
                -days 2 -subj '/CN=poolbench test CA' 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
                -subj '/CN=127.0.0.1' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
                -extfile server.ext 2>/dev/null
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        try shell.run()
        shell.waitUntilExit()
        try #require(shell.terminationStatus == 0, "openssl could not make the test certificates")
    }
}

/// A server of `Fixtures/servers/`, written apart from poolbench: started
/// with python3, it prints the port it listens on.
struct FixtureServer {
    let process: Process
    let port: Int

    /// Starts `Fixtures/servers/NAME` with `arguments`.
    init(_ name: String, _ arguments: [String]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/servers/\(name)").path
        (process, port) = try Self.start(script, arguments)
    }

    /// Launches `script` and reads its port from its first line of output.
    static func start(_ script: String, _ arguments: [String]) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = output.fileHandleForReading.availableData
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        return (process, port)
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
