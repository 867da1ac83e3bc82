import Foundation
import Testing

/// The GitHub Actions workflow in `docs/ci.md`, run as written without
/// GitHub: every `run:` step after the one that installs poolbench, in
/// order, with the job's `env:`, a file standing in for
/// `$GITHUB_STEP_SUMMARY` and the built binary on `PATH`.
@Suite struct CIWorkflowCLITests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "docs/ci.md")

    struct Workflow {
        var env: [String: String] = [:]
        /// (name, script) of each step with a `run:` block, in order.
        var steps: [(name: String, script: String)] = []
    }

    /// The page's one YAML block, read as far as the workflow needs: the
    /// job's `env:` and each step's name and `run: |` block.
    static func workflow() throws -> Workflow {
        let text = try String(contentsOf: page, encoding: .utf8)
        let yaml = try #require(text.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "\n```").first)
        var workflow = Workflow()
        var section = ""
        var name = ""
        var script: [String]?
        func endScript() {
            if let lines = script { workflow.steps.append((name, lines.joined(separator: "\n") + "\n")) }
            script = nil
        }
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.trimmingCharacters(in: .whitespaces)
            if script != nil {
                if indent >= 10 || body.isEmpty { script!.append(String(line.dropFirst(min(indent, 10)))); continue }
                endScript()
            }
            if body.hasPrefix("#") || body.isEmpty { continue }
            if indent == 4 { section = body }
            if section == "env:" && indent == 6, let colon = body.firstIndex(of: ":") {
                workflow.env[String(body[..<colon])] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            if body.hasPrefix("- ") { name = "" }
            if let range = body.range(of: "name: ") { name = String(body[range.upperBound...]) }
            if body == "run: |" { script = [] }
        }
        endScript()
        return workflow
    }

    /// The cells of a Markdown table row: split at `|` not escaped by `\`.
    static func cells(_ row: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in row.dropFirst() {
            if character == "|" && !escaped {
                cells.append(current)
                current = ""
            } else {
                current.append(character)
            }
            escaped = character == "\\" && !escaped
        }
        return cells
    }

    @Test func theWorkflowsStepsRunAsWrittenAndWriteTablesIntoTheSummary() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let workflow = try Self.workflow()
        let install = try #require(workflow.steps.firstIndex { $0.name == "Install poolbench" })
        let steps = workflow.steps[(install + 1)...]
        #expect(steps.map(\.name) == ["Sweep", "Summary", "Gate on regressions"])
        let database = try #require(workflow.env["POOLBENCH_DB"])

        let summary = cli.path("summary.md")
        let path = CLI.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for step in steps {
            var environment = workflow.env
            environment["PATH"] = path
            environment["GITHUB_STEP_SUMMARY"] = summary
            environment["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567"
            try Data(step.script.utf8).write(to: URL(fileURLWithPath: cli.path("step.sh")))
            let result = try cli.run(URL(fileURLWithPath: "/bin/sh"), ["-e", "step.sh"], environment: environment)
            #expect(result.status == 0, "step \(step.name): \(result.stderr)")
        }

        // The summary holds best's and trend's tables, each well formed.
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var tables = 0
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("|") else { index += 1; continue }
            let rows = lines[index...].prefix { $0.hasPrefix("|") }
            let header = Self.cells(rows.first!)
            #expect(rows.count >= 3, "a table has a header, a separator and rows")
            let separator = Self.cells(rows[rows.startIndex + 1])
            #expect(separator.count == header.count)
            #expect(separator.allSatisfy { $0.trimmingCharacters(in: .whitespaces).range(of: #"^:?-{3,}:?$"#, options: .regularExpression) != nil })
            for row in rows { #expect(Self.cells(row).count == header.count, "\(row)") }
            tables += 1
            index += rows.count
        }
        #expect(tables >= 3, "best's curve, trend's series and trend's recommendations")
        #expect(markdown.contains("Recommended: "))
        #expect(markdown.contains("testbed github-ubuntu-24.04"))

        // The cache keeps one file: a copy of it alone is the whole history.
        try FileManager.default.copyItem(atPath: cli.path(database), toPath: cli.path("copy.sqlite"))
        let original = try cli.run(["export", "--db", database])
        let copy = try cli.run(["export", "--db", "copy.sqlite"])
        #expect(original.status == 0 && copy.status == 0)
        #expect(copy.stdout == original.stdout)
        #expect(original.stdout.contains("0123456789abcdef0123456789abcdef01234567"))
    }
}
