import Foundation
import Testing
import PrepdeckCore

/// The real binary in a real terminal (tmux): what a new user sees.
@Suite(.serialized) struct EndToEndTests {
    func launch(_ w: Int, _ h: Int, args: String = "", env: [String: String] = [:]) throws -> TmuxSession {
        let dir = tempDataDir()
        return try TmuxSession(width: w, height: h, command: shellQuote(prepdeckBinary()) + " --data-dir " + shellQuote(dir) + " " + args, env: env)
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func browseSearchRevealAndQuit(size: (Int, Int)) throws {
        let t = try launch(size.0, size.1)
        // The whole first frame: the hint bar is its last row, so a capture taken mid-draw has no "? help" yet.
        var s = t.waitFor { $0.contains("Questions ") && $0.contains("? help") }
        #expect(s.contains("Browse") && s.contains("Review (0 due)") && s.contains("? help"))
        t.send("/")
        t.type("optimistic")
        s = t.waitFor(text: "1 match")
        #expect(s.contains("Optimistic vs pessimistic locking"))
        t.send("Enter")
        t.send("Space")
        // The rendered answer comes into view, its heading at the top of the pane.
        s = t.waitFor { $0.contains("── Model answer") && !$0.contains("Hidden. Press space") }
        #expect(s.contains("Optimistic vs pessimistic") && s.contains("• Pessimistic locking"))
        #expect(!s.contains("**")) // Markdown is rendered, not shown raw
        // It scrolls: the heading leaves the pane, and further down is the Java code.
        t.send("PageDown")
        s = t.waitFor { !$0.contains("── Model answer") }
        #expect(!s.contains("── Model answer"))
        for _ in 0..<8 where !s.contains("InventoryService") {
            t.send("PageDown")
            s = t.waitFor(2) { $0.contains("InventoryService") }
        }
        #expect(s.contains("InventoryService"))
        t.send("q")
        s = t.waitForExit()
        #expect(s.contains("EXIT=0"))
        // The terminal is sane again: canonical mode and echo are back.
        #expect(s.contains(" icanon ") && s.contains(" echo "), "\(s)")
        #expect(!s.contains("-icanon") && !s.contains(" -echo "))
    }

    @Test func resizesDownToTheMinimumAndBack() throws {
        let t = try launch(80, 24)
        t.waitFor(text: "Questions ")
        for (w, h) in [(60, 20), (40, 12)] {
            t.resize(w, h)
            let s = t.waitFor { $0.components(separatedBy: "\n").count >= h && $0.contains("Questions") && !$0.contains("too small") }
            let rows = s.components(separatedBy: "\n")
            #expect(rows.first?.contains("prepdeck") == true, "\(w)x\(h)")
            #expect(rows.allSatisfy { $0.count <= w }, "\(w)x\(h)")
        }
        t.resize(39, 11)
        #expect(t.waitFor(text: "Terminal too small").contains("39×11"))
        t.resize(100, 30)
        let s = t.waitFor { $0.contains("Questions") && !$0.contains("too small") }
        #expect(s.contains("││")) // side by side again
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
    }

    @Test func wideTitlesStayAlignedAndEscapesAreInert() throws {
        let bank = tempDataDir() + "-e2e-bank.json"
        func q(_ id: String, _ title: String) -> String {
            "{\"id\":\"\(id)\",\"title\":\(JSONWriter.quote(title)),\"prompt\":\"Prompt of \(id).\",\"difficulty\":\"easy\",\"kind\":\"technical\",\"topics\":[\"x\"],\"answer\":\"Answer.\",\"keyPoints\":[\"a\",\"b\",\"c\"]}"
        }
        let questions = [q("cjk", "日本語のタイトル 测试"), q("emoji", "Rockets 🚀 and stars ⭐ here"), q("plain", "Plain ASCII title"),
                         q("osc", "Title \u{1B}]0;PWNED\u{07} end"), q("clear", "Clear \u{1B}[2J screen \u{1B}[31m red")]
        try write(bank, "{\"format\":\"prepdeck-bank\",\"version\":1,\"deck\":{\"id\":\"e\",\"title\":\"E\"},\"questions\":[" + questions.joined(separator: ",") + "]}")
        let t = try launch(80, 24, args: "--bank " + shellQuote(bank))
        let before = t.paneTitle()
        let s = t.waitFor(text: "Plain ASCII title")
        let rows = s.components(separatedBy: "\n")
        // Every list row ends its status column at the same cell, whatever the title's characters.
        let listRows = rows.filter { $0.hasPrefix("│E ") }
        #expect(listRows.count == 5, "\(s)")
        let ends = Set(listRows.map { row -> Int in
            let idx = row.range(of: "new")!.lowerBound
            return row[..<idx].reduce(0) { $0 + (($1.unicodeScalars.first!.properties.isEmojiPresentation || ($1.unicodeScalars.first!.value >= 0x3000 && $1.unicodeScalars.first!.value < 0xA000)) ? 2 : 1) }
        })
        #expect(ends.count == 1, "\(listRows)")
        // The OSC did not retitle the terminal and the clear did not wipe the screen.
        #expect(t.paneTitle() == before)
        #expect(!t.paneTitle().contains("PWNED"))
        #expect(s.contains("prepdeck") && s.contains("␛]0;PWNED␇"))
        t.send("G")
        let after = t.waitFor(text: "Clear ␛[2J")
        #expect(after.contains("Browse") && after.contains("Plain ASCII title"))
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
    }

    @Test func noColorStillShowsTheSelection() throws {
        let t = try launch(80, 24, env: ["NO_COLOR": "1"])
        t.waitFor(text: "Questions ")
        let styled = (try? t.tmux(["capture-pane", "-p", "-e", "-t", t.name])) ?? ""
        #expect(styled.contains("\u{1B}[7m")) // reverse video marks the selected row
        // No foreground or background colours (39/49, "default", are fine).
        let colour = try NSRegularExpression(pattern: "\u{1B}\\[(?:[0-9]+;)*(?:3[0-7]|4[0-7]|9[0-7]|38;5)[;m]")
        #expect(colour.firstMatch(in: styled, range: NSRange(styled.startIndex..., in: styled)) == nil)
        t.send("q")
        #expect(t.waitForExit().contains("EXIT=0"))
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let t = try launch(80, 24)
        t.waitFor(text: "Questions ")
        // SIGTERM to prepdeck, the child of the pane's shell.
        let shell = ((try? t.tmux(["list-panes", "-t", t.name, "-F", "#{pane_pid}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!shell.isEmpty)
        _ = try? spawnAndWait(["pkill", "-TERM", "-P", shell])
        let s = t.waitForExit()
        #expect(s.contains("EXIT=143"))
        #expect(s.contains(" icanon ") && s.contains(" echo "))
    }

    @Test func dumbTerminalGetsAClearMessage() throws {
        let r = try prepdeck([], dataDir: tempDataDir(), env: ["TERM": "dumb"])
        #expect(r.status != 0 && r.stderr.contains("prepdeck: "))
    }
}
