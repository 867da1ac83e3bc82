import ArgumentParser
import Foundation
import PoolBenchKit

/// A loopback HTTP server with a known answer, to try the http workload and
/// `tune` against: throughput saturates at capacity ÷ latency.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve HTTP with a known capacity and latency, for experiments.",
        discussion: """
            Prints the URL it listens on as its first line, then serves until Ctrl-C or
            SIGTERM. Every path answers 200 with --bytes of body after --latency; at most
            --capacity requests are in service at once, the rest wait in arrival order.
            /status/NNN answers status NNN instead, to try error handling.

            A waiting request whose client closes its connection (e.g. an http sweep's
            --timeout) is dropped, so it delays nobody after it; one already in service
            keeps its slot until its latency ends, as a real server's work would.

            --latency-cv X makes the server noisy: each response is held for a lognormal
            draw with mean --latency and coefficient of variation X (standard deviation ÷
            mean); --seed makes the draws reproducible.

            Example:
              poolbench serve --latency 20ms --capacity 8 &
              poolbench run http --url http://127.0.0.1:PORT/ --workers 1...32
              poolbench serve --latency 20ms --capacity 8 --latency-cv 0.5 --seed 7 &
            """
    )

    /// Unconditional, so `-1s` is told it is negative rather than taken for a flag.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How long each response is held once in service (0, 20ms, 1.5s).", valueName: "duration")
    )
    var latency = "0s"

    @Option(help: ArgumentHelp("At most this many requests in service at once; the rest queue (default: unlimited).", valueName: "k"))
    var capacity: Int?

    @Option(help: ArgumentHelp("Body size of each response.", valueName: "size"))
    var bytes = "1KiB"

    @Option(
        name: .customLong("latency-cv"), parsing: .unconditional,
        help: ArgumentHelp("Coefficient of variation of a lognormal latency around --latency (0: constant).", valueName: "x")
    )
    var latencyCV = 0.0

    @Option(help: ArgumentHelp("Seed for the noisy latencies, to reproduce them (default: a fresh one).", valueName: "n"))
    var seed: UInt64?

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    func validate() throws {
        _ = try configuration
    }

    private var configuration: HTTPTestServer.Configuration {
        get throws(ValidationError) {
            let seconds = latency == "0" ? 0 : try Parsers.seconds(latency, flag: "--latency", examples: "20ms or 1.5s")
            if let capacity, capacity < 1 {
                throw ValidationError("--capacity must be at least 1; got \(capacity). Leave it out for no limit.")
            }
            guard let size = Units.parseBytes(bytes), size >= 0, size <= 1 << 30 else {
                throw ValidationError("--bytes '\(bytes)' is not a size up to 1GiB; use e.g. 0, 4096, 64KiB or 1MiB.")
            }
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535; got \(port).") }
            guard latencyCV.isFinite, (0...10).contains(latencyCV) else {
                throw ValidationError("--latency-cv must be from 0 to 10, e.g. 0.5; got \(latencyCV).")
            }
            return HTTPTestServer.Configuration(
                host: host, port: port, latency: seconds, capacity: capacity, bytes: size, latencyCV: latencyCV, seed: seed
            )
        }
    }

    func run() async throws {
        // Nothing to do but exit 130 or 143, which closes the socket.
        // Stopping the server here would let run() return, and poolbench
        // exit 0, before the handler's exit. Installed before the URL is
        // printed, so whoever reads it may signal at once.
        Interrupts.onInterrupt {}
        let server = try HTTPTestServer(configuration)
        // Unbuffered: a script reading the first line must get it now.
        try StandardStreams.writeOutput(server.url + "\n")
        try await server.waitUntilClosed()
    }
}
