import Testing
@testable import PoolBenchKit

/// What `Redaction` takes out of text that is stored or shown, and what it
/// leaves alone.
@Suite struct RedactionTests {
    @Test(arguments: [
        ("http://user:pw@127.0.0.1:8080/a", "http://user:***@127.0.0.1:8080/a"),
        ("HTTPS://u:p%40ss@h/x?y=1", "HTTPS://u:***@h/x?y=1"),
        ("http://u:p@ss@h/", "http://u:***@h/"),
        ("http://u:p?q#r@h/path", "http://u:***@h/path"),
        ("redis://:pw@h:6379/0", "redis://:***@h:6379/0"),
        ("--url=http://u:pw@h/", "--url=http://u:***@h/"),
        ("sh -c 'curl -s http://u:pw@h/ -o x'", "sh -c 'curl -s http://u:***@h/ -o x'"),
        ("a http://u:1@h/ and ftp://v:2@g/", "a http://u:***@h/ and ftp://v:***@g/"),
        ("http://u:pa/ss@h/x", "http://u:***@h/x"),
        ("--url=http://u:it's@h/", "--url=http://u:***@h/"),
        ("postgresql://qm:pw@db:5432/pb", "postgresql://qm@db:5432/pb"),
        ("--db=postgres://qm:pw@db/pb?password=pw&sslmode=require", "--db=postgres://qm@db/pb?sslmode=require"),
    ])
    func aURLsPasswordIsMasked(text: String, expected: String) {
        #expect(Redaction.text(text) == expected)
    }

    @Test(arguments: [
        "http://user@h/", "http://h:8080/x?to=a@b.example", "http://h/p:q@r", "https://example.org/", "10:30", "a:b",
        "--duration", "Accept: text/plain", "Content-Type: application/json", "sh -c 'echo ok: done'",
    ])
    func textWithoutCredentialsIsLeftAlone(text: String) {
        #expect(Redaction.text(text) == text)
    }

    @Test(arguments: [
        ("Authorization: Bearer abc", "Authorization: ***"),
        ("proxy-authorization: Basic abc", "proxy-authorization: ***"),
        ("Cookie: a=1; b=2", "Cookie: ***"),
        ("X-Api-Key:abc", "X-Api-Key: ***"),
        ("X-Auth-Token: abc", "X-Auth-Token: ***"),
        ("Client-SECRET: abc", "Client-SECRET: ***"),
        ("--header=Authorization: Bearer abc", "--header=Authorization: ***"),
        ("curl -H 'X-Api-Key: abc' http://h/", "curl -H 'X-Api-Key: ***' http://h/"),
        ("curl -H \"Authorization: Bearer abc\" -u x", "curl -H \"Authorization: ***\" -u x"),
    ])
    func aCredentialHeadersValueIsMasked(text: String, expected: String) {
        #expect(Redaction.text(text) == expected)
    }

    @Test func aURLWhoseUserIsNamedLikeAHeaderKeepsItsHost() {
        #expect(Redaction.text("http://apikey:pw@h/") == "http://apikey:***@h/")
    }

    @Test func credentialHeadersAreKnownByName() {
        for name in ["Authorization", "PROXY-AUTHORIZATION", "cookie", "X-Api-Key", "x-goog-api-key", "X-CSRF-Token", "Secret"] {
            #expect(Redaction.isCredentialHeader(name), "\(name)")
        }
        for name in ["Accept", "Content-Type", "User-Agent", "X-Request-Id"] {
            #expect(!Redaction.isCredentialHeader(name), "\(name)")
        }
        #expect(Redaction.header(name: "Accept", value: "*/*") == "Accept: */*")
        #expect(Redaction.header(name: "X-Api-Key", value: "abc") == "X-Api-Key: ***")
    }

    @Test func aCommandLinesInlineBodyIsMaskedAndAFileNameKept() {
        #expect(Redaction.arguments(["poolbench", "run", "http", "--url", "http://u:pw@h/", "--data", "password=pw", "--header", "Cookie: c"])
            == ["poolbench", "run", "http", "--url", "http://u:***@h/", "--data", "***", "--header", "Cookie: ***"])
        #expect(Redaction.arguments(["--data", "@body.json", "--data=x", "--data=@b"]) == ["--data", "@body.json", "--data=***", "--data=@b"])
    }

    /// Item 13 of the second probing round: a URL given to a command was
    /// redacted in the sweep's command line but kept in the run's parameters.
    @Test func aCommandsOrJobsArgumentsAreStoredRedacted() {
        let command = WorkloadSpec.command(arguments: ["psql", "postgresql://qm:pw@db/pb", "-c", "select 1"])
        #expect(command.parameterText == "command=psql postgresql://qm@db/pb -c 'select 1'")
        let job = WorkloadSpec.job(arguments: ["python3", "f.py", "--url", "http://u:pw@h/", "{workers}"], items: nil)
        #expect(job.parameterText == "job=python3 f.py --url http://u:***@h/ '{workers}'")
    }
}
