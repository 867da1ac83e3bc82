import AsyncHTTPClient
import Testing
@testable import PoolBenchKit

/// Which URLs the http workload takes, checked before a sweep begins.
@Suite struct HTTPURLCheckTests {
    @Test(arguments: [
        "http://127.0.0.1:8080/", "https://example.com", "HTTP://Example.COM/x?y=1#z", "http://127.0.0.1:65535/",
        "http://127.0.0.1:1", "http://[::1]:8080/", "http://[fe80::1]/", "http://user:pw@host:80/p", "http://a_b.example/",
        "http://h/%20space",
    ])
    func goodURLsAreTaken(url: String) throws {
        #expect(HTTPURLCheck.problem(with: url) == nil, "\(url)")
        let request = try HTTPClient.Request(url: url)
        #expect((1...65535).contains(request.port))
    }

    @Test(arguments: [
        "", "http://127.0.0.1:65536/", "http://127.0.0.1:0/", "http://127.0.0.1:-1/", "http://127.0.0.1:/", "http://h:8o/",
        "http://h:080808/", "http://h:+80/", "http:///x", "http://", "http://:80/", "http://@/", "ftp://h/", "file:///etc/passwd",
        "javascript:alert(1)", "://h/", "h:80", "http://h /", "http://h/a b", "http://h/\u{1B}[2J", "http://h\u{0}/",
        "http://ex%41mple/", "http://[::1/", "http://[::1]x/", "http://[]/", "http://[zz]/", "http://h..x/", "http://.h/",
        "http://exämple.com/", "http://h/\u{202E}", "http://h:\u{0661}/",
    ])
    func badURLsAreRefusedWithAReason(url: String) {
        #expect(HTTPURLCheck.problem(with: url) != nil, "\(url)")
    }

    /// Mutations of good URLs: whatever the check takes, the client takes
    /// too, with a port it can connect to, and nothing traps.
    @Test func whateverTheCheckTakesTheClientTakesToo() throws {
        var random = SeededGenerator(seed: 7)
        let seeds = ["http://127.0.0.1:8080/a?b#c", "https://[::1]:443/", "http://u@h.example:1/"]
        let pieces = [":", "/", "?", "#", "@", "[", "]", "%", "0", "9", "65536", "99999", "-", ".", " ", "\u{1B}", "é", "\\", ""]
        var taken = 0
        for _ in 0..<5_000 {
            var url = Array(seeds.randomElement(using: &random)!)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0...url.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where index < url.count: url.remove(at: index)
                case 1 where index < url.count: url[index] = pieces.randomElement(using: &random)!.first ?? Character("x")
                default: url.insert(contentsOf: pieces.randomElement(using: &random)!, at: index)
                }
            }
            let text = String(url)
            guard HTTPURLCheck.problem(with: text) == nil else { continue }
            taken += 1
            let request = try HTTPClient.Request(url: text)
            #expect((1...65535).contains(request.port), "\(text)")
            #expect(!request.host.isEmpty, "\(text)")
        }
        #expect(taken > 100, "the mutations leave enough good URLs to check")
    }
}
