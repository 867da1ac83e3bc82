import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A report page read back by Foundation's XML parser: if it parses, the
/// markup is well formed, and every element is kept with its attributes,
/// its text and the chart (`<svg class="…">`) it sits in.
struct ParsedPage {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        /// Index into `charts` of the enclosing top-level SVG, if any.
        var chart: Int?

        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
        func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
    }

    struct Chart {
        var kind: String
        var elements: [Element] = []

        func all(_ name: String, class wanted: String) -> [Element] {
            elements.filter { $0.name == name && $0.classes.contains(wanted) }
        }
    }

    var elements: [Element] = []
    var charts: [Chart] = []

    /// Parses `html`, its `<!DOCTYPE html>` aside; records an issue and
    /// throws when it is not well formed.
    init(_ html: String) throws {
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        let body = html.hasPrefix("<!DOCTYPE html>") ? String(html.dropFirst("<!DOCTYPE html>".count)) : html
        let parser = XMLParser(data: Data(body.utf8))
        let reader = Reader()
        parser.delegate = reader
        let parsed = parser.parse()
        #expect(parsed, "not well-formed XML: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        guard parsed else { throw ParseFailure() }
        elements = reader.elements
        charts = reader.charts
    }

    struct ParseFailure: Error {}

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    func charts(_ kind: String) -> [Chart] { charts.filter { $0.kind == kind } }

    /// All character data of the page, in order.
    var text: String { elements.map(\.text).joined(separator: " ") }

    private final class Reader: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var charts: [Chart] = []
        private var open: [Int] = []
        private var chartDepth: Int?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "svg", chartDepth == nil, attributes["class"] != "swatch" {
                charts.append(Chart(kind: attributes["class"] ?? ""))
                chartDepth = open.count
            }
            elements.append(Element(name: name, attributes: attributes, chart: chartDepth == nil ? nil : charts.count - 1))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current = open.last { elements[current].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let index = open.popLast() else { return }
            if let chart = elements[index].chart { charts[chart].elements.append(elements[index]) }
            if chartDepth == open.count { chartDepth = nil }
        }
    }
}
