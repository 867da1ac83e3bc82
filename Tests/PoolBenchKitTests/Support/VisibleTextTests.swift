import Testing
@testable import PoolBenchKit

/// Text from a history shown to a person: controls as escapes, Markdown as text.
@Suite struct VisibleTextTests {
    @Test(arguments: [
        ("\u{1B}]0;title\u{07}", "\\e]0;title\\x07"),
        ("\u{1B}[2J", "\\e[2J"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\u{00}\u{1F}\u{7F}", "\\x00\\x1F\\x7F"),
        ("\u{85}\u{9B}31m", "\\u{85}\\u{9B}31m"),
        ("\u{202A}\u{202E}\u{2066}\u{2069}", "\\u{202A}\\u{202E}\\u{2066}\\u{2069}"),
        ("\u{2028}\u{2029}", "\\u{2028}\\u{2029}"),
    ])
    func controlsAreShownAsEscapes(raw: String, shown: String) {
        #expect(VisibleText.escaped(raw) == shown)
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["", "nightly", "Zürich 東京 — ½", "C:\\path\\n", "e\u{301}", "👩‍👩‍👧"] {
            #expect(VisibleText.escaped(text) == text)
        }
    }

    @Test func everyScalarThatNeedsItIsEscapedAndNoOther() {
        for value in UInt32(0)...0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let shown = VisibleText.escaped(String(Character(scalar)))
            let control = value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value) || value == 0x2028 || value == 0x2029
            #expect(shown.unicodeScalars.contains(scalar) == !control, "U+\(String(value, radix: 16))")
        }
    }

    @Test func textTablesShowControlsInEveryPart() throws {
        let table = Table(title: "t\u{1B}", columns: [.init("c\u{07}")], rows: [["\u{1B}[2J"]], notes: ["n\u{9B}"])
        let text = TextTableFormatter().render(table.mapText(VisibleText.escaped))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        #expect(text == "t\\e\nc\\x07\n─────\n\\e[2J\nn\\u{9B}\n")
    }

    @Test func markdownTurnsLinksImagesAndMarkupIntoText() {
        #expect(MarkdownText.escaped("[a](javascript:alert(1))") == "\\[a\\]\\(javascript:alert\\(1\\)\\)")
        #expect(MarkdownText.escaped("![](http://x/y.png)") == "\\!\\[\\]\\(http://x/y.png\\)")
        #expect(MarkdownText.escaped("*b* _i_ `c` <img src=x> a|b ~s~ &amp;") == "\\*b\\* \\_i\\_ \\`c\\` \\<img src=x\\> a\\|b \\~s\\~ \\&amp;")
        #expect(MarkdownText.escaped("back\\slash") == "back\\\\slash")
        #expect(MarkdownText.escaped("\u{1B}[2J") == "\\\\e\\[2J", "controls are escaped first, then their backslash")
        #expect(MarkdownText.escaped("1.5 ms · 2.00×") == "1.5 ms · 2.00×")
    }
}
