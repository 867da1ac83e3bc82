/// Text from a history or a child program made safe to show a person.
///
/// A label, a command line or a program's stderr can hold anything, and a
/// terminal obeys what it receives: `ESC ] 0 ; … BEL` retitles the window,
/// `ESC [ 2 J` clears it, U+202E turns what follows around. Every human
/// format shows such characters as visible escapes instead:
///
/// - ESC as `\e`; tab, line feed and carriage return as `\t`, `\n`, `\r`;
/// - the other C0 controls and DEL as `\xNN` (`\x07` for BEL);
/// - the C1 controls U+0080–U+009F, the bidirectional embeddings, overrides
///   and isolates (U+202A–U+202E, U+2066–U+2069) and the line and paragraph
///   separators (U+2028, U+2029) as `\u{NNNN}`.
///
/// Everything else, backslashes included, is shown as it is. JSON and CSV
/// keep the stored text exactly; JSON escapes the controls by itself.
public enum VisibleText {
    /// `text` with every character a terminal would act on shown as an escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.append(scalar)
                continue
            }
            result.append(contentsOf: escape(for: scalar).unicodeScalars)
        }
        return String(result)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func escape(for scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x00...0x7F: return "\\x" + hex(scalar.value, digits: 2)
        default: return "\\u{" + hex(scalar.value, digits: scalar.value > 0xFF ? 4 : 2) + "}"
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// Text from a history placed in Markdown so that it reads as the same text
/// and never becomes markup: no link, image, emphasis, code span, HTML tag,
/// entity or table cell boundary can be made from a label. Controls are
/// shown as `VisibleText` shows them first.
enum MarkdownText {
    /// The ASCII punctuation CommonMark lets a backslash escape and that can
    /// start or end markup inline (`#`, `-`, `+`, `.` only matter at the start
    /// of a line, which a table cell or a bold title never is).
    private static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "(", ")", "!", "|", "<", ">", "~", "&", "{", "}"]

    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in VisibleText.escaped(text) {
            if special.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
