import Foundation

/// The charts over time — each worker count's median throughput per sweep
/// with `trend`'s changes, and the recommended count per sweep with its
/// band — and the chart across executors.
extension HTMLReport {
    /// The worker counts drawn over time: the recommended and peak counts,
    /// those where `trend` found a throughput change, the band's edges,
    /// then counts spread evenly over the rest, up to `linesOverTime` (more
    /// only to show every change, at most 12).
    static func linesShown(_ panel: Panel) -> [TrendAnswer.Series] {
        let recommendation = panel.answer.recommendation
        let counts = panel.overTime.map(\.workers)
        let changed = panel.overTime.filter { $0.changes.contains { $0.metric == .throughput } }.map(\.workers)
        var wanted = [recommendation.recommendedWorkers, recommendation.peakWorkers].compactMap { $0 } + changed
        wanted += [recommendation.band?.lowerBound, recommendation.band?.upperBound].compactMap { $0 }
        let limit = max(linesOverTime, min(12, Set(wanted).count))
        if counts.count > 1 {
            let spread = (0..<linesOverTime).map { counts[Int((Double($0) * Double(counts.count - 1) / Double(linesOverTime - 1)).rounded())] }
            wanted += spread
        }
        wanted += counts
        var chosen: [Int] = []
        for count in wanted where counts.contains(count) && !chosen.contains(count) && chosen.count < limit {
            chosen.append(count)
        }
        return panel.overTime.filter { chosen.contains($0.workers) }
    }

    static func sweepScale(_ sweeps: [SweepStamp]) -> Scale {
        Scale(kind: .linear, domain: 0...Double(max(sweeps.count - 1, 1)), range: (SVGChart.left + 12)...(SVGChart.right - 12))
    }

    /// Sweep IDs along the time axis, as many as fit, the newest always.
    static func sweepTicks(_ sweeps: [SweepStamp], _ scale: Scale) -> [(value: Double, label: String?)] {
        var lastLabel = -Double.infinity
        let newest = sweeps.count - 1
        let room = scale.position(Double(newest)) - SVGChart.labelGap * 1.3
        return sweeps.indices.map { index in
            let px = scale.position(Double(index))
            guard index == newest || (px - lastLabel >= SVGChart.labelGap * 1.3 && px <= room) else { return (Double(index), nil) }
            lastLabel = px
            return (Double(index), "#\(sweeps[index].id)")
        }
    }

    static func overTimeChart(_ panel: Panel, into page: inout HTMLWriter) {
        let lines = linesShown(panel)
        let sweeps = panel.sweeps
        guard !lines.isEmpty, !sweeps.isEmpty else { return }
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, Double($0)) })
        let values = lines.flatMap { $0.sweeps.map(\.medianThroughput) }
        let x = sweepScale(sweeps)
        let y = Scale.fitting(
            values + [(values.filter(\.isFinite).max() ?? 1) * 1.1], range: SVGChart.top...SVGChart.bottom, includeZero: true,
            allowLogarithmic: true, inverted: true
        )
        let chart = SVGChart(x: x, y: y)
        let title = "Median throughput per sweep, oldest to newest"
        figure(into: &page, chart: chart, kind: "over-time", title: title) { svg in
            chart.frame(into: &svg, xTicks: sweepTicks(sweeps, x), xTitle: "sweep", yTitle: "tasks/s") { rateLabel($0) }
            for (index, line) in lines.enumerated() {
                let colour = seriesColours[index % seriesColours.count]
                let points = line.sweeps.compactMap { sweep in
                    position[sweep.sweepID].map { (x: $0, y: sweep.medianThroughput) }
                }
                svg.element("g", ["class": "worker-line", "data-workers": String(line.workers), "style": "stroke: \(colour); fill: \(colour)"]) { group in
                    group.element("title", text: "\(line.workers) workers")
                    if let path = chart.path(points) { group.empty("path", ["class": "line", "d": path]) }
                    for point in points where point.y.isFinite && (y.kind == .linear || point.y > 0) {
                        group.empty("circle", [
                            "cx": SVGChart.number(x.position(point.x)), "cy": SVGChart.number(y.position(point.y)), "r": "2",
                        ])
                    }
                }
            }
            for line in lines {
                for change in line.changes where change.metric == .throughput {
                    guard let px = position[change.sweepID].map(x.position), change.after.isFinite else { continue }
                    let regression = change.direction == .regression
                    let py = y.position(change.after) + (regression ? 16 : -8)
                    svg.element("text", [
                        "class": regression ? "change regression" : "change improvement", "data-workers": String(line.workers),
                        "data-sweep": String(change.sweepID), "x": SVGChart.number(px), "y": SVGChart.number(py),
                        "text-anchor": "middle",
                    ]) { mark in
                        mark.element("title", text: changeSentence(change, workers: line.workers))
                        mark.text(regression ? "▼" : "▲")
                    }
                }
            }
        } legend: { legend in
            legend.element("span", ["class": "key"], text: "workers:")
            for (index, line) in lines.enumerated() {
                swatch("line", "\(line.workers)", colour: seriesColours[index % seriesColours.count], into: &legend)
            }
            legend.element("span", ["class": "key"]) { key in
                key.element("span", ["class": "improvement"], text: "▲")
                key.text(" improvement ")
                key.element("span", ["class": "regression"], text: "▼")
                key.text(" regression")
            }
            if lines.count < panel.overTime.count {
                legend.element("span", ["class": "sampled"], text: "\(lines.count) of \(panel.overTime.count) worker counts drawn")
            }
        }
    }

    static func driftChart(_ panel: Panel, into page: inout HTMLWriter) {
        guard let drift = panel.drift, !drift.points.isEmpty, !panel.sweeps.isEmpty else { return }
        let sweeps = panel.sweeps
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, Double($0)) })
        let points = drift.points.compactMap { point in position[point.sweepID].map { (index: $0, point: point) } }
        let counts = Set(points.flatMap { [$0.point.band.lowerBound, $0.point.band.upperBound, $0.point.recommendedWorkers] })
            .union(panel.answer.recommendation.points.map(\.workers)).sorted()
        let x = sweepScale(sweeps)
        let y = Scale.fitting(
            counts.map(Double.init), range: (SVGChart.top + 8)...(SVGChart.bottom - 8), includeZero: false,
            allowLogarithmic: true, inverted: true, nice: false
        )
        let chart = SVGChart(x: x, y: y)
        let yTicks = SVGChart.workerLabels(counts, scale: y).map(Double.init)
        figure(into: &page, chart: chart, kind: "drift", title: "Recommended workers per sweep, with its band") { svg in
            chart.frame(into: &svg, xTicks: sweepTicks(sweeps, x), xTitle: "sweep", yTitle: "workers", yTicks: yTicks) {
                String(Int($0))
            }
            for (index, point) in points {
                let px = x.position(index)
                let top = y.position(Double(point.band.upperBound)) - 4, bottom = y.position(Double(point.band.lowerBound)) + 4
                svg.element("rect", [
                    "class": "drift-band", "data-sweep": String(point.sweepID), "data-low": String(point.band.lowerBound),
                    "data-high": String(point.band.upperBound), "x": SVGChart.number(px - 5), "y": SVGChart.number(top),
                    "width": "10", "height": SVGChart.number(bottom - top),
                ]) { $0.element("title", text: "sweep \(point.sweepID): band \(point.band.lowerBound)…\(point.band.upperBound)") }
            }
            let line = points.map { (x: $0.index, y: Double($0.point.recommendedWorkers)) }
            if let path = chart.path(line) { svg.empty("path", ["class": "recommended", "d": path]) }
            for (index, point) in points {
                svg.element("circle", [
                    "class": "recommended-point", "data-sweep": String(point.sweepID),
                    "data-workers": String(point.recommendedWorkers), "cx": SVGChart.number(x.position(index)),
                    "cy": SVGChart.number(y.position(Double(point.recommendedWorkers))), "r": "3.5",
                ]) { $0.element("title", text: "sweep \(point.sweepID): \(point.recommendedWorkers) workers recommended") }
            }
            for shift in drift.shifts {
                guard let index = position[shift.sweepID] else { continue }
                svg.element("text", [
                    "class": "label shift", "data-sweep": String(shift.sweepID), "x": SVGChart.number(x.position(index)),
                    "y": SVGChart.number(y.position(Double(shift.toWorkers)) - 9), "text-anchor": "middle",
                ], text: "\(shift.fromWorkers) → \(shift.toWorkers)")
            }
        } legend: { legend in
            swatch("recommended", "recommended workers, each sweep answered on its own", into: &legend)
            swatch("drift-band", "its 90% band", into: &legend)
        }
    }

    /// `▼ 16 workers: tasks/s −20% at sweep 41 (p = 0.0031)`.
    static func changeSentence(_ change: ChangePoint, workers: Int) -> String {
        let mark = change.direction == .regression ? "▼" : "▲"
        let metric = TrendReport.metricName(change.metric)
        return "\(mark) \(workers) worker\(workers == 1 ? "" : "s"): \(metric) \(TrendReport.signedPercent(change.relativeChange))"
            + " at sweep \(change.sweepID) (\(TrendReport.value(change.before, change.metric)) → "
            + "\(TrendReport.value(change.after, change.metric)), p = \(String(format: "%.2g", change.pValue)))"
    }

    // MARK: - Across executors

    /// Every executor's median curve of one workload on one machine, its knee
    /// marked, in one chart; `sequential`'s median as a level line, the
    /// baseline the pools are bought to beat.
    static func executorsChart(
        _ verdict: BestAnswer.ExecutorVerdict, _ answers: [BestAnswer.Series], sequential: Double?, into page: inout HTMLWriter
    ) {
        let counts = Set(answers.flatMap { $0.recommendation.points.map(\.workers) }).sorted()
        guard !counts.isEmpty else { return }
        let x = workerScale(counts)
        let values = answers.flatMap { $0.recommendation.points.map(\.medianThroughput) } + [sequential ?? .nan]
        let y = Scale.fitting(
            values + [(values.filter(\.isFinite).max() ?? 1) * 1.1], range: SVGChart.top...SVGChart.bottom, includeZero: true,
            inverted: true
        )
        let chart = SVGChart(x: x, y: y)
        let title = "\(verdict.workloadDescription) on \(verdict.machine): executors compared"
        figure(into: &page, chart: chart, kind: "executors", title: title) { svg in
            chart.frame(into: &svg, xTicks: workerTicks(counts, x), xTitle: "workers", yTitle: "tasks/s") { rateLabel($0) }
            if let sequential, sequential.isFinite {
                let py = y.position(sequential)
                svg.empty("line", [
                    "class": "sequential", "data-throughput": SVGChart.number(sequential), "x1": SVGChart.number(SVGChart.left),
                    "x2": SVGChart.number(SVGChart.right), "y1": SVGChart.number(py), "y2": SVGChart.number(py),
                ])
                svg.element("text", [
                    "class": "note", "x": SVGChart.number(SVGChart.right - 4), "y": SVGChart.number(py - 5), "text-anchor": "end",
                ], text: "sequential: \(Formatting.rate(sequential)) tasks/s")
            }
            for (index, answer) in answers.enumerated() {
                let colour = seriesColours[index % seriesColours.count]
                let recommendation = answer.recommendation
                svg.element("g", ["class": "executor-line", "data-executor": answer.key.executor, "style": "stroke: \(colour); fill: \(colour)"]) { group in
                    group.element("title", text: answer.key.executor)
                    let points = recommendation.points.map { (x: Double($0.workers), y: $0.medianThroughput) }
                    if let path = chart.path(points) { group.empty("path", ["class": "line", "d": path]) }
                    if let knee = recommendation.recommendedWorkers, let value = recommendation.kneeThroughput, value.isFinite {
                        group.element("circle", [
                            "class": "executor-knee", "data-workers": String(knee), "cx": SVGChart.number(x.position(Double(knee))),
                            "cy": SVGChart.number(y.position(value)), "r": "5",
                        ]) { $0.element("title", text: "\(answer.key.executor): \(knee) workers recommended, \(Formatting.rate(value)) tasks/s") }
                    }
                }
            }
        } legend: { legend in
            for (index, answer) in answers.enumerated() {
                swatch("line", answer.key.executor, colour: seriesColours[index % seriesColours.count], into: &legend)
            }
            swatch("knee", "each one's recommended count", colour: "#6b7280", into: &legend)
            if sequential?.isFinite == true { swatch("sequential", "sequential, one task at a time", into: &legend) }
        }
    }
}
