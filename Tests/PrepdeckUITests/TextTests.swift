import Testing
@testable import PrepdeckUI

@Suite struct TextWidthTests {
    @Test func widths() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("日本語") == 6)
        #expect(displayWidth("🙂") == 2)
        #expect(displayWidth("e\u{301}") == 1) // e + combining acute
        #expect(displayWidth("❤️") == 1) // VS16 dropped: the base is narrow
        #expect(displayWidth("한국") == 4)
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var g = Grid(width: 30, height: 1)
        g.put("a\u{1B}]0;pwned\u{07}b\u{1B}[2Jc\u{9B}d", x: 0, y: 0)
        let text = g.lines[0]
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) })
        #expect(text.hasPrefix("a␛]0;pwned␇b␛[2Jc\u{FFFD}d"))
    }

    @Test func truncatesAndFitsByCells() {
        #expect(truncate("Hello world", to: 8) == "Hello w…")
        #expect(truncate("日本語テキスト", to: 7) == "日本語…")
        #expect(fit("日本", 6) == "日本  ")
        #expect(displayWidth(fit("🙂🙂🙂🙂", 5)) == 5)
    }

    @Test func wrapsAtSpacesAndBreaksLongWords() {
        #expect(wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
        #expect(wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(wrap("日本語のテキスト", width: 6) == ["日本語", "のテキ", "スト"])
        #expect(wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }

    @Test func wideCharactersOccupyTwoCellsAndClipCleanly() {
        var g = Grid(width: 5, height: 1)
        g.put("ab日本", x: 0, y: 0)
        #expect(g.lines[0] == "ab日 ") // 本 does not fit in the last cell: a space, not half a character
        #expect(g[2, 0].width == 2 && g[3, 0].width == 0)
        g.put("x", x: 3, y: 0) // overwriting the right half blanks the left half
        #expect(g.lines[0] == "ab x ")
    }

    @Test func wrapSpansKeepsStylesAndIndents() {
        let bold = Style(attrs: .bold)
        let lines = wrapSpans([Span("• "), Span("alpha beta", bold), Span(" gamma delta")], width: 12, indent: [Span("  ")])
        #expect(lines.map(\.plainText) == ["• alpha beta", "  gamma", "  delta"])
        #expect(lines[0].contains { $0.text == "alpha" && $0.style == bold })
    }
}

@Suite struct MarkdownTests {
    let t = Theme.color

    @Test func rendersBlocks() {
        let md = "## Title\n\nA paragraph with **bold** and `code`.\n\n- item one\n  - nested\n1. first\n\n```python\nprint('hi')\n```\n\n> quoted"
        let lines = Markdown.render(md, width: 40, theme: t).map(\.plainText)
        #expect(lines == ["Title", "", "A paragraph with bold and code.", "", "• item one", "  ◦ nested", "1. first", "",
                          "┌─ python ──────────────────────────────", "│ print('hi')", "└───────────────────────────────────────", "", "▎ quoted"])
    }

    @Test func inlineStyles() {
        let spans = Markdown.inline("a **b** `c` [d](http://x)", theme: t)
        #expect(spans.contains { $0.text == "b" && $0.style.attrs.contains(.bold) })
        #expect(spans.contains { $0.text == "c" && $0.style == t.code })
        #expect(spans.plainText == "a b c d (http://x)")
        #expect(Markdown.inline("2 * 3 * 4", theme: t).plainText == "2 * 3 * 4")
    }

    @Test func longCodeLinesBreakWithAMark() {
        let lines = Markdown.render("```sql\nSELECT aaaaaaaaaa FROM bbbbbbbbbb\n```", width: 20, theme: t).map(\.plainText)
        #expect(lines[1] == "│ SELECT aaaaaaaaaa " && lines[2] == "┆ FROM bbbbbbbbbb")
    }
}
