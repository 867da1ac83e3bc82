import Foundation

/// A mapping from data values to pixels along one axis.
///
/// Logarithmic when the values span more than `logarithmicSpan`: worker
/// counts 1…256 on a linear axis crowd every count below 32 into the first
/// eighth, where the knee usually is.
struct Scale {
    enum Kind: Equatable {
        case linear, logarithmic
    }

    /// Beyond this ratio of largest to smallest positive value an axis is
    /// logarithmic.
    static let logarithmicSpan = 16.0

    var kind: Kind
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// Whether larger values map to smaller pixels (a y axis).
    var inverted = false

    /// An axis for `values` (the non-finite ones ignored): logarithmic when
    /// allowed and the positive values span more than `logarithmicSpan`,
    /// else linear — from zero with `includeZero`, which throughput needs
    /// for its shape to be honest, and ending on a round value with `nice`.
    static func fitting(
        _ values: [Double], range: ClosedRange<Double>, includeZero: Bool, allowLogarithmic: Bool = false,
        inverted: Bool = false, nice: Bool = true
    ) -> Scale {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return Scale(kind: .linear, domain: 0...1, range: range, inverted: inverted)
        }
        if allowLogarithmic, low > 0, high / low > logarithmicSpan {
            let domain = nice ? niceDown(low)...niceUp(high) : low...high
            return Scale(kind: .logarithmic, domain: domain, range: range, inverted: inverted)
        }
        var lower = includeZero ? min(0, low) : low
        var upper = high
        if upper <= lower { (lower, upper) = includeZero ? (lower, lower + max(1, abs(lower))) : (lower - 0.5, upper + 0.5) }
        if nice {
            let step = Self.niceStep((upper - lower) / 5)
            upper = (upper / step).rounded(.up) * step
            if !includeZero { lower = (lower / step).rounded(.down) * step }
        }
        return Scale(kind: .linear, domain: lower...upper, range: range, inverted: inverted)
    }

    /// The pixel of `value`; values outside the domain extend the line.
    func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            let width = domain.upperBound - domain.lowerBound
            fraction = width == 0 ? 0.5 : (value - domain.lowerBound) / width
        case .logarithmic:
            let low = log(domain.lowerBound), width = log(domain.upperBound) - low
            fraction = width == 0 ? 0.5 : (log(max(value, domain.lowerBound / 1e6)) - low) / width
        }
        let along = inverted ? 1 - fraction : fraction
        return range.lowerBound + along * (range.upperBound - range.lowerBound)
    }

    /// Round values to label the axis with: 1-2-5 steps on a linear axis,
    /// powers of ten (with 2 and 5 between when few) on a logarithmic one.
    func ticks(count: Int = 5) -> [Double] {
        switch kind {
        case .linear:
            let step = Self.niceStep((domain.upperBound - domain.lowerBound) / Double(count))
            var ticks: [Double] = []
            var value = (domain.lowerBound / step).rounded(.up) * step
            while value <= domain.upperBound + step * 1e-9 {
                ticks.append(abs(value) < step * 1e-9 ? 0 : value)
                value += step
            }
            return ticks
        case .logarithmic:
            let first = Int(floor(log10(domain.lowerBound))), last = Int(ceil(log10(domain.upperBound)))
            let decades = (first...last).map { pow(10, Double($0)) }
            let multipliers: [Double] = last - first <= 2 ? [1, 2, 5] : [1]
            return decades.flatMap { decade in multipliers.map { $0 * decade } }
                .filter { $0 >= domain.lowerBound * 0.999 && $0 <= domain.upperBound * 1.001 }
        }
    }

    /// The largest 1, 2 or 5 × a power of ten at most `value` (> 0).
    static func niceDown(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        return ([5, 2, 1] as [Double]).first { $0 * power <= value }.map { $0 * power } ?? power
    }

    /// The smallest 1, 2 or 5 × a power of ten at least `value` (> 0).
    static func niceUp(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        return ([1, 2, 5, 10] as [Double]).first { $0 * power >= value }.map { $0 * power } ?? 10 * power
    }

    /// 1, 2 or 5 × a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        let fraction = rough / power
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
    }
}

/// The frame of one chart: its size, its plot area, and the two scales,
/// with the SVG for axes, grid lines and polylines.
struct SVGChart {
    static let width = 560.0
    static let height = 280.0

    var x: Scale
    var y: Scale
    /// The plot area, in pixels.
    static let left = 64.0, right = width - 16, top = 16.0, bottom = height - 44

    /// Pixels left between two axis labels.
    static let labelGap = 30.0

    /// Worker counts get their own axis: every tested count has a tick,
    /// and labels go to as many as fit, the ends and powers of two first.
    static func workerLabels(_ counts: [Int], scale: Scale) -> [Int] {
        let priority = counts.sorted { a, b in
            func rank(_ n: Int) -> Int {
                if n == counts.first || n == counts.last { return 0 }
                return n & (n - 1) == 0 ? 1 : n % 10 == 0 ? 2 : 3
            }
            return (rank(a), a) < (rank(b), b)
        }
        var chosen: [Double] = []
        var labels: [Int] = []
        for count in priority {
            let pixel = scale.position(Double(count))
            if chosen.allSatisfy({ abs($0 - pixel) >= labelGap }) {
                chosen.append(pixel)
                labels.append(count)
            }
        }
        return labels.sorted()
    }

    /// The grid, the axes and their titles; the y axis has grid lines at
    /// `yTicks` (round values by default) labelled by `yLabel`.
    func frame(
        into svg: inout HTMLWriter, xTicks: [(value: Double, label: String?)], xTitle: String, yTitle: String,
        yTicks: [Double]? = nil, yLabel: (Double) -> String
    ) {
        let yTicks = yTicks ?? y.ticks()
        svg.open("g", ["class": "grid"])
        for tick in yTicks {
            let py = y.position(tick)
            svg.empty("line", ["x1": Self.number(Self.left), "x2": Self.number(Self.right), "y1": Self.number(py), "y2": Self.number(py)])
        }
        svg.close("g")
        svg.open("g", ["class": "axis"])
        svg.empty("line", [
            "x1": Self.number(Self.left), "x2": Self.number(Self.right), "y1": Self.number(Self.bottom), "y2": Self.number(Self.bottom),
        ])
        svg.empty("line", ["x1": Self.number(Self.left), "x2": Self.number(Self.left), "y1": Self.number(Self.top), "y2": Self.number(Self.bottom)])
        for tick in yTicks {
            svg.element("text", [
                "x": Self.number(Self.left - 6), "y": Self.number(y.position(tick) + 4), "text-anchor": "end",
            ], text: yLabel(tick))
        }
        for tick in xTicks {
            let px = x.position(tick.value)
            svg.empty("line", [
                "class": "tick", "x1": Self.number(px), "x2": Self.number(px), "y1": Self.number(Self.bottom),
                "y2": Self.number(Self.bottom + (tick.label == nil ? 3 : 5)),
            ])
            if let label = tick.label {
                svg.element("text", [
                    "x": Self.number(px), "y": Self.number(Self.bottom + 17), "text-anchor": "middle",
                ], text: label)
            }
        }
        svg.element("text", [
            "class": "title", "x": Self.number((Self.left + Self.right) / 2), "y": Self.number(Self.height - 6), "text-anchor": "middle",
        ], text: xTitle + (x.kind == .logarithmic ? " (log scale)" : ""))
        svg.element("text", [
            "class": "title", "transform": "translate(14 \(Self.number((Self.top + Self.bottom) / 2))) rotate(-90)",
            "text-anchor": "middle",
        ], text: yTitle + (y.kind == .logarithmic ? " (log scale)" : ""))
        svg.close("g")
    }

    /// `M x y L x y …` through the finite points, or `nil` for none.
    func path(_ points: [(x: Double, y: Double)]) -> String? {
        let drawable = points.filter { $0.x.isFinite && $0.y.isFinite && (y.kind == .linear || $0.y > 0) }
        guard !drawable.isEmpty else { return nil }
        return drawable.enumerated().map { index, point in
            (index == 0 ? "M" : "L") + Self.number(x.position(point.x)) + " " + Self.number(y.position(point.y))
        }
        .joined(separator: " ")
    }

    /// A pixel coordinate with one decimal, `-` for negatives and never
    /// an exponent or a locale's comma.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let whole = abs(tenths) / 10, fraction = abs(tenths) % 10
        return (tenths < 0 ? "-" : "") + String(whole) + (fraction == 0 ? "" : "." + String(fraction))
    }
}
