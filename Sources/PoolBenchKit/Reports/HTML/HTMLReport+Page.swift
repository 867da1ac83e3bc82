import Foundation

/// The page around the charts: the header, one section per answer in the
/// order `best` lists them with its words beside the pictures, and the
/// executors compared.
extension HTMLReport {
    /// The whole page.
    public func html() -> String {
        var page = HTMLWriter(capacity: 256 * 1024 + panels.count * 64 * 1024)
        page.raw("<!DOCTYPE html>\n")
        page.element("html", ["xmlns": "http://www.w3.org/1999/xhtml", "lang": "en"]) { html in
            html.element("head") { head in
                head.empty("meta", ["charset": "utf-8"])
                // Nothing may be fetched: the page must read the same offline.
                head.empty("meta", [
                    "http-equiv": "Content-Security-Policy", "content": "default-src 'none'; style-src 'unsafe-inline'",
                ])
                head.empty("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                head.element("title", text: "poolbench report: \(filterSummary)")
                head.element("style") { $0.raw(Self.styleSheet) }
            }
            html.element("body") { body in
                header(into: &body)
                if panels.isEmpty {
                    // best's own words for a history with nothing to tune.
                    for note in best.tables.flatMap(\.notes) { body.element("p", ["class": "empty"], text: note) }
                }
                for (index, panel) in panels.enumerated() {
                    section(panel, index: index, into: &body)
                }
                executors(into: &body)
            }
        }
        page.raw("\n")
        return page.output
    }

    func header(into body: inout HTMLWriter) {
        body.element("header") { header in
            header.element("h1", text: "How many workers? poolbench report")
            header.element("dl", ["class": "facts"]) { facts in
                facts.element("dt", text: "Machines")
                facts.element("dd", text: hosts.map { "\($0.name) (\($0.cores) logical core\($0.cores == 1 ? "" : "s"))" }.joined(separator: ", "))
                facts.element("dt", text: "Sweeps")
                facts.element("dd", text: sweepsCovered)
                facts.element("dt", text: "Filter")
                facts.element("dd", text: filterSummary)
                facts.element("dt", text: "Answers")
                facts.element("dd", text: "from each series' newest \(options.newestSweeps) sweeps, as `best --last \(options.newestSweeps)`, "
                    + "tolerance \(Self.percent(options.tolerance)); over time the newest \(options.trendSweeps), as `trend --last \(options.trendSweeps)`"
                    + (options.maxP99.map { "; p99 limit \(Formatting.seconds($0))" } ?? ""))
            }
            if panels.count > 1 {
                header.element("nav") { nav in
                    nav.element("ol") { list in
                        for (index, panel) in panels.enumerated() {
                            list.element("li") { item in
                                item.element("a", ["href": "#series-\(index + 1)"], text: Self.heading(panel.answer))
                                item.text(" — " + Self.headline(panel.answer.recommendation))
                            }
                        }
                    }
                }
            }
        }
    }

    /// `41 sweeps, #3 (2026-11-21 08:00) to #57 (2026-11-28 17:30)`.
    var sweepsCovered: String {
        guard let first = sweeps.first, let last = sweeps.last else { return "none" }
        let count = "\(Formatting.grouped(sweeps.count)) sweep\(sweeps.count == 1 ? "" : "s")"
        guard first.id != last.id else { return "\(count): #\(first.id) (\(Formatting.minute(first.startedAt)))" }
        return "\(count), #\(first.id) (\(Formatting.minute(first.startedAt))) to #\(last.id) (\(Formatting.minute(last.startedAt)))"
    }

    func section(_ panel: Panel, index: Int, into body: inout HTMLWriter) {
        let answer = panel.answer
        body.element("section", ["class": "series", "id": "series-\(index + 1)"]) { section in
            section.element("h2") { heading in
                heading.text(answer.key.workloadDescription)
                heading.element("span", ["class": "where"], text: " · \(answer.key.executor) · \(answer.machine)")
            }
            section.element("p", ["class": "headline"], text: Self.headline(answer.recommendation))
            section.element("div", ["class": "charts"]) { charts in
                Self.curveChart(panel, into: &charts)
                Self.latencyChart(panel, maxP99: options.maxP99, into: &charts)
                Self.overTimeChart(panel, into: &charts)
                Self.driftChart(panel, into: &charts)
            }
            section.element("div", ["class": "words"]) { words in
                words.element("h3", text: "The answer")
                words.element("ul") { list in
                    for note in BestReport.notes(answer) { list.element("li", text: note) }
                }
                overTimeWords(panel, into: &words)
            }
        }
    }

    func overTimeWords(_ panel: Panel, into words: inout HTMLWriter) {
        words.element("h3", text: "Over time")
        words.element("ul") { list in
            let changes = panel.overTime.flatMap { series in series.changes.map { (series.workers, $0) } }
                .sorted { ($0.1.sweepID, $0.0) < ($1.1.sweepID, $1.0) }
            if changes.isEmpty {
                list.element("li", text: "No changes in the newest \(panel.sweeps.count) sweep\(panel.sweeps.count == 1 ? "" : "s") at any worker count.")
            }
            for (workers, change) in changes {
                list.element("li", ["class": change.direction == .regression ? "regression" : "improvement"],
                             text: Self.changeSentence(change, workers: workers))
            }
            if let drift = panel.drift, !drift.points.isEmpty {
                let counts = drift.points.map { String($0.recommendedWorkers) }.joined(separator: " ")
                let moves = drift.shifts.map { "\($0.fromWorkers) → \($0.toWorkers) at sweep \($0.sweepID)" }
                list.element("li", text: "Recommended per sweep, oldest to newest: \(counts); "
                    + (moves.isEmpty ? "it did not move." : "moved " + moves.joined(separator: "; ") + "."))
            }
            let shown = Self.linesShown(panel)
            if shown.count < panel.overTime.count {
                list.element("li", text: "The chart draws \(shown.map { String($0.workers) }.joined(separator: ", ")) workers "
                    + "of the \(panel.overTime.count) counts measured; every count's changes are listed here.")
            }
        }
    }

    func executors(into body: inout HTMLWriter) {
        guard !best.answer.executors.isEmpty else { return }
        body.element("section", ["class": "executors", "id": "executors"]) { section in
            section.element("h2", text: "Across executors")
            let sentences = best.verdictTable?.notes ?? []
            for (index, verdict) in best.answer.executors.enumerated() {
                let answers = best.answer.answers.filter {
                    $0.key.workload == verdict.workload && $0.key.parameters == verdict.parameters && $0.machine == verdict.machine
                        && verdict.executors.contains($0.key.executor)
                }
                section.element("div", ["class": "charts"]) { charts in
                    let sequential = SeriesKey(workload: verdict.workload, parameters: verdict.parameters, executor: "sequential")
                    Self.executorsChart(verdict, answers, sequential: sequentialBaselines[SeriesID(sequential, verdict.machine)], into: &charts)
                    charts.element("div", ["class": "words"]) { words in
                        if index < sentences.count { words.element("p", text: sentences[index]) }
                    }
                }
            }
        }
    }

    static func heading(_ answer: BestAnswer.Series) -> String {
        "\(answer.key.workloadDescription) · \(answer.key.executor) · \(answer.machine)"
    }

    /// The answer in one line, as the section's first words.
    static func headline(_ recommendation: KneeRecommendation) -> String {
        guard let workers = recommendation.recommendedWorkers else {
            return recommendation.method == .allRunsFailed ? "No recommendation: every run failed." : "No recommendation yet."
        }
        var line = "Use \(workers) worker\(workers == 1 ? "" : "s")"
        if let band = recommendation.band, band.lowerBound != band.upperBound { line += " (band \(band.lowerBound)…\(band.upperBound))" }
        if let peak = recommendation.peakWorkers, peak != workers { line += "; the peak is at \(peak)" }
        if !recommendation.plateauReached { line += "; no plateau reached yet" }
        return line + "."
    }

    // MARK: - Writing

    /// Writes the page to `path` as `export --output` writes (see
    /// `OutputTarget`): replaced only once complete, never over the history
    /// or its companion files (`historyPath`, when the history is a file).
    public func write(toFile path: String, historyPath: String?) throws {
        try OutputTarget.write(toFile: path, historyPath: historyPath) { output in
            output.write(html())
        }
    }

    /// Writes the page to standard output, for `--output -`.
    public func writeToStandardOutput() throws {
        var output = OutputBuffer(descriptor: STDOUT_FILENO, name: OutputBuffer.standardOutputName)
        output.write(html())
        try output.flush()
    }
}
