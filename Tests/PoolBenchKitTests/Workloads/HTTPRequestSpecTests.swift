import AsyncHTTPClient
import Foundation
import NIOSSL
import Testing
@testable import PoolBenchKit

/// What the history keeps of an http workload's request, and what it sends.
@Suite struct HTTPRequestSpecTests {
    @Test func aPlainGETKeepsTheParametersItAlwaysHad() {
        #expect(WorkloadSpec.http(urls: ["http://127.0.0.1:8080/"], timeout: 30).parameterText == "url=http://127.0.0.1:8080/ timeout=30s")
    }

    @Test func credentialsAreStoredAsStarsAndTheRestAsGiven() throws {
        let spec = WorkloadSpec.http(
            HTTPRequestSpec(
                urls: ["http://u:pw@h/a"], timeout: 2,
                headers: [.init(name: "Authorization", value: "Bearer t"), .init(name: "Accept", value: "application/json")],
                body: Data("{\"password\": \"pw\"}".utf8), trust: .certificateFile("/ca.pem")
            )
        )
        #expect(spec.parameterText == "url=http://u:***@h/a timeout=2s method=POST header='Authorization: ***' header='Accept: application/json' data=18B")
        // Nor does the stored spec keep a secret; a body is not kept, so
        // no whole command can be rebuilt.
        let stored = try #require(spec.storedJSON)
        #expect(!stored.contains("pw") && !stored.contains("Bearer t"))
        let key = SeriesKey(workload: spec.name, parameters: spec.parameterText, executor: "pool")
        #expect(key.runCommand(spec: WorkloadSpec(storedJSON: stored), workers: 1...4) == nil)
    }

    @Test func aRedactedRequestReadsBackWithStarsWhereTheSecretsGo() throws {
        let spec = WorkloadSpec.http(
            HTTPRequestSpec(
                urls: ["http://u:pw@h/a"], timeout: 2, method: "DELETE",
                headers: [.init(name: "X-Api-Key", value: "k"), .init(name: "Accept", value: "text/plain; q=1")]
            )
        )
        let back = try #require(spec.storedJSON.flatMap(WorkloadSpec.init(storedJSON:)))
        #expect(back == .http(HTTPRequestSpec(
            urls: ["http://u:***@h/a"], timeout: 2, method: "DELETE",
            headers: [.init(name: "X-Api-Key", value: "***"), .init(name: "Accept", value: "text/plain; q=1")]
        )))
        #expect(SeriesKey(workload: spec.name, parameters: spec.parameterText, executor: "pool").runCommand(spec: back, workers: 1...4)
            == "poolbench run http --url 'http://u:***@h/a' --method DELETE --header 'X-Api-Key: ***' --header 'Accept: text/plain; q=1' --timeout 2s --executor pool --workers 1...4")
    }

    @Test(arguments: ["Accept: */*", "X-Empty:", " Name :  value  "])
    func headerLinesAreNameColonValue(line: String) throws {
        let header = try #require(HTTPHeaderLine(line: line))
        #expect(!header.name.hasSuffix(" ") && !header.value.hasPrefix(" "))
    }

    @Test(arguments: ["Bearer abc", ": value", "Na me: v", "X: a\nb", "X: a\rb", "Ünï: v"])
    func otherLinesAreNotHeaders(line: String) {
        #expect(HTTPHeaderLine(line: line) == nil)
    }

    @Test func aURLsUserInfoBecomesBasicCredentialsAndLeavesTheURL() {
        let parts = HTTPURLCheck.userInfo(of: "http://us%40er:p%3Fw:x@h:8/a?b=c@d")
        #expect(parts.url == "http://h:8/a?b=c@d")
        #expect(parts.credentials == "us@er:p?w:x")
        #expect(HTTPURLCheck.userInfo(of: "https://token@h/").credentials == "token:")
        #expect(HTTPURLCheck.userInfo(of: "https://h/x@y").credentials == nil)
    }

    @Test(arguments: ["http://u:p?w@h/", "http://u:p#w@h/x", "http://u:p%zz@h/", "http://h?to=a@b"])
    func aUserInfoThatWouldBeMisreadIsRefused(url: String) {
        #expect(HTTPURLCheck.problem(with: url) != nil)
    }

    @Test func aTLSFailureIsOneLineWithoutTheBuildMachinesPaths() {
        let text = "[Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /home/build/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/handshake.cc:320]"
        #expect(HTTPTLS.reasonCode(text) == "CERTIFICATE_VERIFY_FAILED")
        #expect(HTTPTLS.reasonCode("something else") == nil)
        #expect(HTTPTLS.reason(NIOSSLError.uncleanShutdown) == "the server closed the TLS connection without a TLS close")
        #expect(HTTPTLS.reason(CancellationError()) == nil)
    }

    @Test func trustFilesAreReadBeforeTheSweep() {
        #expect(throws: PoolBenchError.invalidParameter(name: "--cacert", value: "/nonexistent.pem", expected: "a readable PEM file of CA certificates")) {
            try HTTPTLS.configuration(for: .certificateFile("/nonexistent.pem"), environment: [:])
        }
        #expect(throws: PoolBenchError.self) {
            try HTTPTLS.configuration(for: .system, environment: ["SSL_CERT_DIR": "/nonexistent"])
        }
        #expect((try? HTTPTLS.configuration(for: .insecure, environment: ["SSL_CERT_FILE": "/nonexistent"]))?.certificateVerification == CertificateVerification.none)
    }

    /// NIOSSL takes an additional trust root only as a PEM file, and failed
    /// every handshake with `failedToLoadCertificate` when given a directory.
    @Test func aCertificateDirectoryIsTheTrustRootAndABundleIsAddedToIt() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let configuration = try HTTPTLS.configuration(for: .system, environment: ["SSL_CERT_DIR": directory])
        #expect(configuration.trustRoots == .file(directory))
        #expect(configuration.additionalTrustRoots.isEmpty)
    }
}
