import Foundation

/// The charts of one answer. Each is an SVG in a figure whose caption is
/// its legend, so no legend box ever covers the data. Elements a reader or
/// a test looks for carry a class and `data-` attributes with the values
/// they stand for (`circle.knee[data-workers]`, `rect.band[data-low]`).
extension HTMLReport {
    static let seriesColours = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d", "#eeca3b"]

    /// The worker axis every chart of a panel shares.
    static func workerScale(_ counts: [Int]) -> Scale {
        Scale.fitting(
            counts.map(Double.init), range: (SVGChart.left + 12)...(SVGChart.right - 12), includeZero: false,
            allowLogarithmic: true, nice: false
        )
    }

    static func workerTicks(_ counts: [Int], _ scale: Scale) -> [(value: Double, label: String?)] {
        let labelled = Set(SVGChart.workerLabels(counts, scale: scale))
        return counts.map { (value: Double($0), label: labelled.contains($0) ? String($0) : nil) }
    }

    /// The level the knee rule compared with: the answering curve's
    /// highest value at the tested counts — the fitted model's when a fit
    /// answered, else the medians' (`Knee.kneeIndex`) — among the counts
    /// below the error onset, since the rule never compared with a count
    /// whose throughput came with refusals.
    static func kneeLevel(_ recommendation: KneeRecommendation) -> Double? {
        let fitted = recommendation.fit != nil
        return recommendation.points.filter { !$0.significantErrors }
            .compactMap { fitted ? $0.modelThroughput : $0.medianThroughput }.filter(\.isFinite).max()
    }

    // MARK: - Throughput against workers

    static func curveChart(_ panel: Panel, into page: inout HTMLWriter) {
        let recommendation = panel.answer.recommendation
        let counts = recommendation.points.map(\.workers)
        guard !counts.isEmpty else { return }
        // A tolerance line only where the knee rule answered from it.
        let level = recommendation.recommendedWorkers == nil ? nil : kneeLevel(recommendation)
        // A count whose every run failed has no median to draw: its 0 tasks/s
        // is a failure, marked as one, not a slow success.
        let failedCounts = Set(panel.failures.filter { $0.failed == $0.runs }.map(\.workers))
        let medianPoints = recommendation.points.filter { !failedCounts.contains($0.workers) && $0.medianThroughput.isFinite }
        let threshold = level.map { $0 - recommendation.tolerance * abs($0) }
        let x = workerScale(counts)
        let model = modelCurve(recommendation, x)
        var values = panel.dots.map(\.throughput) + recommendation.points.map(\.medianThroughput) + model.map(\.y)
        values.append((values.filter(\.isFinite).max() ?? 1) * 1.12)
        let chart = SVGChart(x: x, y: Scale.fitting(values, range: SVGChart.top...SVGChart.bottom, includeZero: true, inverted: true))
        let title = "Throughput against workers: \(panel.answer.key.workloadDescription), \(panel.answer.key.executor), \(panel.answer.machine)"

        figure(into: &page, chart: chart, kind: "curve", title: title) { svg in
            chart.frame(into: &svg, xTicks: workerTicks(counts, x), xTitle: "workers", yTitle: "tasks/s") { rateLabel($0) }
            if let band = recommendation.band {
                let low = x.position(Double(band.lowerBound)), high = x.position(Double(band.upperBound))
                let (left, width) = high - low >= 6 ? (low, high - low) : ((low + high) / 2 - 3, 6.0)
                svg.element("rect", [
                    "class": "band", "data-low": String(band.lowerBound), "data-high": String(band.upperBound),
                    "x": SVGChart.number(left), "y": SVGChart.number(SVGChart.top), "width": SVGChart.number(width),
                    "height": SVGChart.number(SVGChart.bottom - SVGChart.top),
                ], text: "")
            }
            if let threshold, let level {
                let py = chart.y.position(threshold)
                svg.empty("line", [
                    "class": "tolerance", "data-throughput": SVGChart.number(threshold), "x1": SVGChart.number(SVGChart.left),
                    "x2": SVGChart.number(SVGChart.right), "y1": SVGChart.number(py), "y2": SVGChart.number(py),
                ])
                svg.element("text", [
                    "class": "note", "x": SVGChart.number(SVGChart.left + 6), "y": SVGChart.number(py - 5),
                ], text: "\(percent(recommendation.tolerance)) below \(rateLabel(level))")
            }
            svg.element("g", ["class": "runs"]) { group in
                for dot in panel.dots {
                    group.element("circle", [
                        "class": "run", "data-workers": String(dot.workers), "cx": SVGChart.number(x.position(Double(dot.workers))),
                        "cy": SVGChart.number(chart.y.position(dot.throughput)), "r": "2.6",
                    ]) { $0.element("title", text: "\(dot.workers) workers: \(Formatting.rate(dot.throughput)) tasks/s, sweep \(dot.sweepID)") }
                }
            }
            for failure in panel.failures {
                let px = x.position(Double(failure.workers)), py = SVGChart.bottom - 7
                svg.element("path", [
                    "class": "failed", "data-workers": String(failure.workers),
                    "d": "M\(SVGChart.number(px - 4)) \(SVGChart.number(py - 4)) l8 8 m0 -8 l-8 8",
                ]) { group in
                    var text = "\(failure.workers) workers: \(failure.failed) of \(failure.runs) runs failed"
                    if let error = failure.firstError { text += ": " + error }
                    group.element("title", text: text)
                }
            }
            errorMarkers(recommendation, chart, into: &svg)
            if let path = chart.path(model) { svg.empty("path", ["class": "model", "d": path]) }
            let medians = medianPoints.map { (x: Double($0.workers), y: $0.medianThroughput) }
            if let path = chart.path(medians) { svg.empty("path", ["class": "median", "d": path]) }
            for point in medianPoints {
                svg.element("circle", [
                    "class": "median-point", "data-workers": String(point.workers),
                    "cx": SVGChart.number(x.position(Double(point.workers))),
                    "cy": SVGChart.number(chart.y.position(point.medianThroughput)), "r": "3",
                ]) { $0.element("title", text: "\(point.workers) workers: median \(Formatting.rate(point.medianThroughput)) tasks/s of \(point.runs) runs") }
            }
            markers(recommendation, chart, into: &svg)
        } legend: { legend in
            swatch("run", "each run", into: &legend)
            swatch("median", "median per worker count", into: &legend)
            if !model.isEmpty {
                swatch("model", BestReport.methodName(recommendation.method) + " fit", into: &legend)
            }
            if threshold != nil { swatch("tolerance", "within \(percent(recommendation.tolerance)) of the peak level", into: &legend) }
            if recommendation.band != nil { swatch("band", "90% bootstrap band", into: &legend) }
            if recommendation.recommendedWorkers != nil { swatch("knee", "recommended", into: &legend) }
            if recommendation.peakWorkers != nil { swatch("peak", "peak", into: &legend) }
            if !panel.failures.isEmpty { swatch("failed", "failed runs", into: &legend) }
            if let onset = recommendation.errorOnset {
                swatch("errors", "significant errors from \(onset.workers) workers: never recommended", into: &legend)
            }
            if panel.successfulRuns > panel.dots.count {
                legend.element("span", ["class": "sampled"], text: "\(Formatting.grouped(panel.dots.count)) of \(Formatting.grouped(panel.successfulRuns)) runs drawn")
            }
        }
    }

    /// The counts past the error onset drawn as failing: the range from the
    /// onset shaded, and each such count's error rate written above it.
    static func errorMarkers(_ recommendation: KneeRecommendation, _ chart: SVGChart, into svg: inout HTMLWriter) {
        guard let onset = recommendation.errorOnsetWorkers else { return }
        let failing = recommendation.points.filter(\.significantErrors)
        let low = chart.x.position(Double(onset)) - 6
        svg.element("rect", [
            "class": "errors", "data-onset": String(onset), "x": SVGChart.number(low), "y": SVGChart.number(SVGChart.top),
            "width": SVGChart.number(max(SVGChart.right - low, 6)), "height": SVGChart.number(SVGChart.bottom - SVGChart.top),
        ]) { rect in
            rect.element("title", text: recommendation.errorOnset.map { $0.sentence } ?? "errors from \(onset) workers")
        }
        for point in failing {
            guard let rate = point.errorRate else { continue }
            let px = chart.x.position(Double(point.workers))
            svg.element("text", [
                "class": "error-rate", "data-workers": String(point.workers), "data-error-rate": String(format: "%.4g", rate),
                "x": SVGChart.number(px), "y": SVGChart.number(SVGChart.top + 12), "text-anchor": "middle",
            ], text: "✗\(TuneReport.percent(rate))")
        }
    }

    /// The fitted model drawn smoothly across the tested range.
    static func modelCurve(_ recommendation: KneeRecommendation, _ x: Scale) -> [(x: Double, y: Double)] {
        guard let fit = recommendation.fit else { return [] }
        let (low, high) = (x.domain.lowerBound, x.domain.upperBound)
        return (0...80).map { step in
            let fraction = Double(step) / 80
            let workers = x.kind == .logarithmic ? low * pow(high / low, fraction) : low + (high - low) * fraction
            return (x: workers, y: fit.throughput(atWorkers: workers))
        }
    }

    /// The knee and the peak, marked and labelled; one label when they are
    /// the same count, and the peak's raised when the two would touch.
    static func markers(_ recommendation: KneeRecommendation, _ chart: SVGChart, into svg: inout HTMLWriter) {
        let throughput = { (workers: Int) in recommendation.points.first { $0.workers == workers }?.medianThroughput }
        func anchor(_ px: Double) -> String {
            px > SVGChart.right - 60 ? "end" : px < SVGChart.left + 60 ? "start" : "middle"
        }
        var kneeX: Double?
        if let knee = recommendation.recommendedWorkers, let value = throughput(knee), value.isFinite {
            let px = chart.x.position(Double(knee)), py = chart.y.position(value)
            kneeX = px
            svg.empty("line", [
                "class": "knee-guide", "x1": SVGChart.number(px), "x2": SVGChart.number(px),
                "y1": SVGChart.number(py), "y2": SVGChart.number(SVGChart.bottom),
            ])
            svg.element("circle", [
                "class": "knee", "data-workers": String(knee), "cx": SVGChart.number(px), "cy": SVGChart.number(py), "r": "6",
            ]) { $0.element("title", text: "recommended: \(knee) workers, \(Formatting.rate(value)) tasks/s") }
            let same = knee == recommendation.peakWorkers
            svg.element("text", [
                "class": "label knee-label", "x": SVGChart.number(px), "y": SVGChart.number(py - 12), "text-anchor": anchor(px),
            ], text: same ? "recommended = peak: \(knee)" : "recommended: \(knee)")
        }
        if let peak = recommendation.peakWorkers, peak != recommendation.recommendedWorkers,
           recommendation.method != .insufficientData || recommendation.points.count == 1,
           let value = throughput(peak), value.isFinite {
            let px = chart.x.position(Double(peak)), py = chart.y.position(value)
            let d = "M\(SVGChart.number(px)) \(SVGChart.number(py - 7)) l7 7 l-7 7 l-7 -7 z"
            svg.element("path", ["class": "peak", "data-workers": String(peak), "d": d]) {
                $0.element("title", text: "peak: \(peak) workers, \(Formatting.rate(value)) tasks/s")
            }
            let crowded = kneeX.map { abs($0 - px) < 90 } ?? false
            svg.element("text", [
                "class": "label peak-label", "x": SVGChart.number(px), "y": SVGChart.number(py - (crowded ? 26 : 12)),
                "text-anchor": anchor(px),
            ], text: "peak: \(peak)")
        }
    }

    // MARK: - Latency against workers

    static func latencyChart(_ panel: Panel, maxP99: Double?, into page: inout HTMLWriter) {
        let counts = panel.answer.recommendation.points.map(\.workers)
        let points = panel.latency
        let values = points.flatMap { [$0.p50, $0.p99] }.compactMap { $0 } + (maxP99.map { [$0] } ?? [])
        guard !counts.isEmpty, !values.isEmpty else { return }
        let x = workerScale(counts)
        let y = Scale.fitting(
            values + [(values.max() ?? 1) * 1.08], range: SVGChart.top...SVGChart.bottom, includeZero: true,
            allowLogarithmic: true, inverted: true
        )
        let chart = SVGChart(x: x, y: y)
        figure(into: &page, chart: chart, kind: "latency", title: "Task latency against workers: p50 and p99") { svg in
            chart.frame(into: &svg, xTicks: workerTicks(counts, x), xTitle: "workers", yTitle: "task latency") {
                Formatting.seconds($0)
            }
            if let maxP99 {
                let py = y.position(maxP99)
                svg.empty("line", [
                    "class": "limit", "data-seconds": String(maxP99), "x1": SVGChart.number(SVGChart.left),
                    "x2": SVGChart.number(SVGChart.right), "y1": SVGChart.number(py), "y2": SVGChart.number(py),
                ])
                svg.element("text", [
                    "class": "note limit-label", "x": SVGChart.number(SVGChart.left + 6), "y": SVGChart.number(py - 5),
                ], text: "--max-p99 \(Formatting.seconds(maxP99))")
            }
            for (name, value) in [("p50", \Latency.p50), ("p99", \Latency.p99)] {
                let line = points.compactMap { point in point[keyPath: value].map { (x: Double(point.workers), y: $0) } }
                if let path = chart.path(line) { svg.empty("path", ["class": name, "d": path]) }
                for point in line {
                    svg.element("circle", [
                        "class": name + "-point", "cx": SVGChart.number(x.position(point.x)),
                        "cy": SVGChart.number(y.position(point.y)), "r": "2.6",
                    ]) { $0.element("title", text: "\(Int(point.x)) workers: median \(name) \(Formatting.seconds(point.y))") }
                }
            }
        } legend: { legend in
            swatch("p50", "p50 (median of runs)", into: &legend)
            swatch("p99", "p99 (median of runs)", into: &legend)
            if maxP99 != nil { swatch("limit", "p99 limit", into: &legend) }
        }
    }

    // MARK: - Shared pieces

    /// `<figure>` with the chart's SVG and a caption holding its legend.
    static func figure(
        into page: inout HTMLWriter, chart: SVGChart, kind: String, title: String, _ body: (inout HTMLWriter) -> Void,
        legend: (inout HTMLWriter) -> Void
    ) {
        page.element("figure", ["class": "chart " + kind]) { figure in
            figure.element("svg", [
                "xmlns": "http://www.w3.org/2000/svg", "class": kind,
                "viewBox": "0 0 \(SVGChart.number(SVGChart.width)) \(SVGChart.number(SVGChart.height))", "role": "img",
            ]) { svg in
                svg.element("title", text: title)
                body(&svg)
            }
            figure.element("figcaption") { caption in
                caption.element("strong", text: title)
                caption.element("span", ["class": "legend"], legend)
            }
        }
    }

    /// One legend entry: a small drawing in the class's style, then words.
    static func swatch(_ kind: String, _ text: String, colour: String? = nil, into legend: inout HTMLWriter) {
        legend.element("span", ["class": "key"]) { key in
            key.element("svg", [
                "xmlns": "http://www.w3.org/2000/svg", "class": "swatch", "width": "22", "height": "12", "viewBox": "0 0 22 12",
            ]) { svg in
                let style = colour.map { "stroke: \($0); fill: \($0)" } ?? ""
                switch kind {
                case "run", "knee", "p50-point", "p99-point":
                    svg.empty("circle", ["class": kind, "style": style, "cx": "11", "cy": "6", "r": kind == "knee" ? "5" : "3"])
                case "band", "drift-band", "errors":
                    svg.element("rect", ["class": kind, "x": "2", "y": "1", "width": "18", "height": "10"], text: "")
                case "peak":
                    svg.empty("path", ["class": kind, "d": "M11 0 l6 6 l-6 6 l-6 -6 z"])
                case "failed":
                    svg.empty("path", ["class": kind, "d": "M7 2 l8 8 m0 -8 l-8 8"])
                default:
                    svg.empty("path", ["class": kind, "style": style, "d": "M1 6 L21 6"])
                }
            }
            key.text(text)
        }
    }

    /// `1.2k`, `850`, `12.5`: short tick labels.
    static func rateLabel(_ value: Double) -> String {
        switch abs(value) {
        case 0: "0"
        case 1e6...: String(format: "%.3gM", value / 1e6)
        case 1e3...: String(format: "%.3gk", value / 1e3)
        default: Formatting.rate(value)
        }
    }

    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + "%"
    }
}
