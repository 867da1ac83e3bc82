/// Markup built as text, with every piece of history text escaped on the
/// way in.
///
/// The page must read the same to a browser and to an XML parser (tests
/// parse it with `XMLParser`), so the writer only ever emits the five XML
/// escapes, closes every element, and writes void HTML elements as `<br/>`.
/// Text from a history — labels, parameters, host names, command lines,
/// errors — may hold anything: `<script>`, quotes and `&` become text, and
/// control characters, which XML forbids and a reader cannot see, are shown
/// as their Unicode control pictures (␛ for ESC) or as `U+0085`.
struct HTMLWriter {
    private(set) var output = ""

    init(capacity: Int = 64 * 1024) {
        output.reserveCapacity(capacity)
    }

    /// Markup written by this program, never history text.
    mutating func raw(_ markup: String) {
        output += markup
    }

    /// Escaped character data.
    mutating func text(_ text: String) {
        output += HTMLWriter.escaped(text)
    }

    /// `<name a="v">`, values escaped. Attributes keep their order.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        output += "<" + name
        appendAttributes(attributes)
        output += ">"
    }

    mutating func close(_ name: String) {
        output += "</" + name + ">"
    }

    /// `<name a="v"/>`: for SVG shapes and void HTML elements only.
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        output += "<" + name
        appendAttributes(attributes)
        output += "/>"
    }

    /// `<name a="v">text</name>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    /// `<name a="v">…</name>` around what `body` writes.
    mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ body: (inout HTMLWriter) -> Void
    ) {
        open(name, attributes)
        body(&self)
        close(name)
    }

    private mutating func appendAttributes(_ attributes: KeyValuePairs<String, String>) {
        for (key, value) in attributes {
            output += " " + key + "=\"" + HTMLWriter.escaped(value) + "\""
        }
    }

    /// `text` safe in character data and in double- or single-quoted
    /// attribute values of both HTML and XML.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            default:
                if let visible = visible(scalar) {
                    result += visible
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'": true
        default: visible(scalar) != nil
        }
    }

    /// How an invisible or XML-forbidden scalar is shown, or `nil` for one
    /// that is written as it is. Line feed and tab are ordinary whitespace.
    private static func visible(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x0A, 0x09: nil
        // C0 controls have pictures at U+2400 + code.
        case 0x00...0x1F: String(Unicode.Scalar(0x2400 + scalar.value)!)
        case 0x7F: "\u{2421}"
        // C1 controls, and the noncharacters XML refuses.
        case 0x80...0x9F, 0xFFFE, 0xFFFF: "U+" + hex(scalar.value)
        default: nil
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
