/// The page's one style sheet. Colours carry meaning consistently across
/// charts: blue the runs and medians, orange the fitted model, green the
/// recommendation and its band, amber the peak, red failures and limits.
/// No `<` or `&` may appear here: the page is also parsed as XML.
extension HTMLReport {
    static let styleSheet = """
        :root { color-scheme: light; }
        body { margin: 0 auto; max-width: 1180px; padding: 24px 20px 48px; background: #fcfcfd; color: #1d2430;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 22px; margin: 0 0 10px; font-weight: 650; }
        h2 { font-size: 17px; margin: 0 0 2px; font-weight: 650; }
        h2 .where { color: #5b6472; font-weight: 500; }
        h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #5b6472; margin: 12px 0 4px; }
        header { border-bottom: 1px solid #e3e6ea; padding-bottom: 12px; margin-bottom: 18px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
        dl.facts dt { color: #5b6472; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        nav ol { margin: 10px 0 0; padding-left: 22px; }
        nav a { color: #1f4e79; }
        section.series, section.executors { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px;
          padding: 16px 18px; margin: 0 0 20px; }
        p.headline { margin: 0 0 8px; font-weight: 600; color: #2e7d32; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 12px 18px; }
        figure.chart { margin: 0; }
        figure.chart > svg { width: 100%; height: auto; display: block; }
        figcaption { font-size: 12px; color: #3b4452; }
        figcaption strong { display: block; font-weight: 600; margin-bottom: 2px; }
        .legend { display: flex; flex-wrap: wrap; gap: 2px 12px; }
        .legend .key { white-space: nowrap; }
        .legend .sampled { color: #5b6472; font-style: italic; }
        svg.swatch { vertical-align: -2px; margin-right: 3px; }
        .words ul { margin: 0; padding-left: 18px; }
        .words li { margin: 2px 0; overflow-wrap: anywhere; }
        li.regression, .regression { color: #c62828; }
        li.improvement, .improvement { color: #2e7d32; }
        p.empty { font-size: 15px; }
        svg text { font-size: 11px; fill: #3b4452; }
        svg text.title { font-size: 12px; fill: #5b6472; }
        svg text.label { font-size: 12px; font-weight: 600; fill: #1d2430; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        svg text.note { font-size: 11px; fill: #6b7280; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        .grid line { stroke: #eef0f3; }
        .axis line { stroke: #9aa3ae; }
        .axis line.tick { stroke: #9aa3ae; }
        .band { fill: #54a24b; fill-opacity: .14; stroke: none; }
        .tolerance { stroke: #54a24b; stroke-dasharray: 2 3; stroke-width: 1.2; fill: none; }
        .run { fill: #4c78a8; fill-opacity: .28; stroke: none; }
        .median { stroke: #1f4e79; stroke-width: 2; fill: none; }
        .median-point { fill: #1f4e79; stroke: #fff; stroke-width: 1; }
        .model { stroke: #f58518; stroke-width: 2; stroke-dasharray: 6 4; fill: none; }
        .knee { fill: #2e7d32; stroke: #fff; stroke-width: 2; }
        .knee-guide { stroke: #2e7d32; stroke-dasharray: 3 3; stroke-width: 1; }
        .peak { fill: #d4a017; stroke: #fff; stroke-width: 1.5; }
        .failed { stroke: #d62728; stroke-width: 2.2; fill: none; }
        .errors { fill: #d62728; fill-opacity: 0.08; stroke: none; }
        .error-rate { fill: #d62728; font-size: 10px; }
        .p50 { stroke: #4c78a8; stroke-width: 2; fill: none; }
        .p99 { stroke: #e45756; stroke-width: 2; fill: none; }
        .p50-point { fill: #4c78a8; }
        .p99-point { fill: #e45756; }
        .limit { stroke: #d62728; stroke-width: 1.5; stroke-dasharray: 6 3; fill: none; }
        text.limit-label { fill: #d62728; }
        .worker-line .line, .executor-line .line { stroke-width: 1.8; fill: none; }
        .worker-line circle { stroke: none; }
        .executor-knee { stroke: #fff; stroke-width: 2; }
        .sequential { stroke: #6b7280; stroke-width: 1.5; stroke-dasharray: 4 3; fill: none; }
        text.change { font-size: 12px; }
        text.change.regression { fill: #c62828; }
        text.change.improvement { fill: #2e7d32; }
        .drift-band { fill: #54a24b; fill-opacity: .22; stroke: none; }
        .recommended { stroke: #2e7d32; stroke-width: 2; fill: none; }
        .recommended-point { fill: #2e7d32; }
        svg.swatch .line { stroke-width: 2.5; }
        """
}
