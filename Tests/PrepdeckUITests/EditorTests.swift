import Foundation
import Testing
import PrepdeckCore
@testable import PrepdeckUI

@Suite struct EditorTests {
    func editor(_ text: String = "", width: Int = 20, height: Int = 5) -> TextEditor {
        var e = TextEditor(text: text)
        e.resize(width: width, height: height)
        return e
    }

    func type(_ e: inout TextEditor, _ s: String) { for c in s { e.handle(c == "\n" ? .enter : .char(c)) } }

    func render(_ e: TextEditor, width: Int = 20, height: Int = 5) -> (String, (x: Int, y: Int)?) {
        var g = Grid(width: width, height: height)
        var copy = e
        copy.draw(&g, in: Rect(x: 0, y: 0, width: width, height: height), style: .plain)
        var text = g.text
        while text.hasSuffix("\n") { text.removeLast() }
        return (text, g.cursor)
    }

    @Test func typingEnterAndCounts() {
        var e = editor()
        type(&e, "hello world\nsecond line")
        #expect(e.text == "hello world\nsecond line")
        #expect(e.wordCount == 4 && e.lineCount == 2)
        #expect(e.row == 1 && e.col == 11)
    }

    @Test func arrowsHomeEndAndCtrlAE() {
        var e = editor("abc\ndef")
        e.handle(.left); #expect(e.col == 2)
        e.handle(.home); #expect(e.col == 0)
        e.handle(.left); #expect(e.row == 0 && e.col == 3) // wraps to the end of the previous line
        e.handle(.ctrl("a")); #expect(e.col == 0)
        e.handle(.ctrl("e")); #expect(e.col == 3)
        e.handle(.right); #expect(e.row == 1 && e.col == 0)
        e.handle(.end); #expect(e.col == 3)
        e.handle(.up); #expect(e.row == 0 && e.col == 3)
        e.handle(.down); #expect(e.row == 1)
    }

    @Test func wordMoves() {
        var e = editor("one two  three")
        e.handle(.alt("b")); #expect(e.col == 9)
        e.handle(.alt("b")); #expect(e.col == 4)
        e.handle(.ctrlLeft); #expect(e.col == 0)
        e.handle(.alt("f")); #expect(e.col == 3)
        e.handle(.ctrlRight); #expect(e.col == 7)
    }

    @Test func backspaceAndDeleteJoinLines() {
        var e = editor("ab\ncd")
        e.handle(.home)
        e.handle(.backspace)
        #expect(e.text == "abcd" && e.col == 2)
        e.handle(.delete)
        #expect(e.text == "abd")
        e.handle(.end)
        e.handle(.delete) // nothing after the end
        #expect(e.text == "abd")
    }

    @Test func tabInsertsSpaces() {
        var e = editor()
        e.handle(.tab)
        #expect(e.text == "    ")
    }

    @Test func undoRedoGroupByTypingRuns() {
        var e = editor()
        type(&e, "hello world")
        #expect(e.text == "hello world")
        e.handle(.ctrl("z"))
        #expect(e.text == "hello ")
        e.handle(.ctrl("z"))
        #expect(e.text == "")
        e.handle(.ctrl("y"))
        #expect(e.text == "hello ")
        e.handle(.ctrl("y"))
        #expect(e.text == "hello world")
        // Deleting is its own group; a new edit clears the redo stack.
        e.handle(.backspace); e.handle(.backspace)
        #expect(e.text == "hello wor")
        e.handle(.ctrl("z"))
        #expect(e.text == "hello world")
        type(&e, "!")
        e.handle(.ctrl("y"))
        #expect(e.text == "hello world!")
        // Cursor movement ends a group.
        type(&e, "ab")
        e.handle(.left)
        type(&e, "c")
        e.handle(.ctrl("z"))
        #expect(e.text == "hello world!ab")
    }

    @Test func softWrapsAtSpacesByCells() {
        let e = editor("the quick brown fox jumps over", width: 10, height: 5)
        let (text, _) = render(e, width: 10, height: 5)
        #expect(text == "the quick\nbrown fox\njumps over")
    }

    @Test func wideCharactersWrapByCellsAndTheCursorFollows() {
        var e = editor("", width: 6, height: 3)
        type(&e, "日本語のテ")
        let (text, cursor) = render(e, width: 6, height: 3)
        #expect(text == "日本語\nのテ")
        #expect(cursor?.x == 4 && cursor?.y == 1)
        e.handle(.up)
        #expect(e.row == 0 && e.col == 2) // same cell column (4) on the row above
    }

    @Test func scrollsToKeepTheCursorVisible() {
        var e = editor("", width: 10, height: 3)
        type(&e, "1\n2\n3\n4\n5")
        var (text, cursor) = render(e, width: 10, height: 3)
        #expect(text == "3\n4\n5" && cursor?.y == 2)
        for _ in 0..<4 { e.handle(.up) }
        (text, cursor) = render(e, width: 10, height: 3)
        #expect(text.hasPrefix("1\n2\n3") && cursor?.y == 0)
        e.handle(.pageDown)
        #expect(e.row == 2)
    }

    @Test func pasteIsOneUndoStepAndKeepsLines() {
        var e = editor()
        type(&e, "x")
        e.paste("a\r\nb\tc\nd")
        #expect(e.text == "xa\nb    c\nd")
        e.handle(.ctrl("z"))
        #expect(e.text == "x")
    }

    @Test func pastingAMegabyteKeepsEveryLine() {
        // Speed is measured by the benchmark (docs/performance.md); this checks the result.
        var e = editor(width: 80, height: 20)
        let line = String(repeating: "word ", count: 19) + "end\n"
        let big = String(repeating: line, count: 1_000_000 / line.utf8.count)
        e.paste(big)
        e.handle(.char("z"))
        var g = Grid(width: 80, height: 20)
        e.draw(&g, in: Rect(x: 0, y: 0, width: 80, height: 20), style: .plain)
        #expect(e.lineCount == 1_000_000 / line.utf8.count + 1)
        #expect(e.text == big + "z")
        #expect(g.cursor?.y == 19 && g.text.hasSuffix("z"))
    }

    @Test func linesSplitAtLFAndCRLFOnly() {
        func splitLines(_ t: String) -> [[Character]] { splitMeasured(t, width: 80).lines }
        #expect(splitLines("a\r\nb\rc\nü\r\n") == [["a"], ["b", "\r", "c"], ["ü"], []])
        #expect(splitLines("") == [[]] && splitLines("\n") == [[], []])
        #expect(splitLines("e\u{301}x\n👍🏽") == [["e\u{301}", "x"], ["👍🏽"]])
        let e = TextEditor(text: "a\r\nb\rc\nü\u{301}")
        #expect(e.text == "a\nb\rc\nü\u{301}")
    }

    @Test func placeholderWhenEmpty() {
        var e = editor()
        var g = Grid(width: 20, height: 3)
        e.draw(&g, in: Rect(x: 0, y: 0, width: 20, height: 3), style: .plain, placeholder: "Type here")
        #expect(g.text.hasPrefix("Type here"))
    }
}

@Suite struct EditorWordCountTests {
    /// The cached per-line counts always equal a count of the whole text, through random edits.
    @Test func theCachedWordCountFollowsEveryEdit() {
        var e = TextEditor()
        e.resize(width: 30, height: 8)
        var rng = SeededRandom(seed: 7)
        func truth(_ text: String) -> Int { text.split(whereSeparator: { $0.isWhitespace }).count }
        let keys: [Key] = [.char("a"), .char("b"), .char(" "), .enter, .backspace, .delete, .left, .right, .up, .down, .home, .end]
        for step in 0..<3000 {
            switch rng.next() % 20 {
            case 0:
                let pastes = ["pasted words here\nand  a second\n\nline ", "日本語の テキスト é\u{301} 👍🏽 wide\nnext",
                              "x\n" + String(repeating: "a long ascii line that wraps ", count: 3) + "\nnospacesatallinthislinewhichwrapsmidword\n\u{7F}ctl\nend"]
                e.paste(pastes[Int(rng.next() % 3)])
            case 3: e.resize(width: 10 + Int(rng.next() % 30), height: 8)
            case 1: e.undo()
            case 2: e.redo()
            default: _ = e.handle(keys[Int(rng.next() % UInt64(keys.count))])
            }
            #expect(e.wordCount == truth(e.text), "step \(step)")
            // The wrap kept per line (across undo and redo too, measured from bytes for pasted ASCII) is the
            // wrap of each line's characters measured afresh; the text kept as bytes is the characters' text.
            let width = e.width
            #expect(e.totalRows() == e.lines.reduce(0) { $0 + TextEditor.computeBreaks($1, width: width).count }, "step \(step)")
            for i in e.lines.indices where step % 50 == 0 { #expect(e.breaks(i) == TextEditor.computeBreaks(e.lines[i], width: width), "step \(step) line \(i)") }
            #expect(e.text == e.lines.map { String($0) }.joined(separator: "\n"), "step \(step)")
        }
    }
}
