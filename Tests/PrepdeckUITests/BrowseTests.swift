import Foundation
import Testing
@testable import PrepdeckCore
@testable import PrepdeckUI

@Suite struct ShellTests {
    @Test func tabBarHintsAndFirstFrameAt80x24() {
        let m = makeModel()
        let lines = m.view(now: now).lines
        #expect(lines.count == 24 && lines.allSatisfy { displayWidth($0) == 80 })
        #expect(lines[0].hasPrefix(" prepdeck   Browse  ·  Practice  ·  Review (0 due)  ·  Stats"))
        #expect(lines[23].contains("/ search") && lines[23].contains("? help") && lines[23].contains("q quit"))
        #expect(m.screen().contains("Caching strategy for a read-heavy product catalog"))
    }

    @Test func tabKeysSwitchScreensAndQGoesBackThenQuits() {
        var m = makeModel()
        m.press(.char("P")); #expect(m.tab == .practice)
        m.press(.char("R")); #expect(m.tab == .review)
        m.press(.char("S")); #expect(m.tab == .stats)
        m.press(.char("]")); #expect(m.tab == .browse)
        m.press(.char("[")); #expect(m.tab == .stats)
        m.press(.char("B")); #expect(m.tab == .browse)
        m.press(.char("S"))
        #expect(m.press(.char("q")).isEmpty && m.tab == .browse)
        #expect(m.press(.char("q")) == [.quit])
        #expect(m.press(.ctrl("c")) == [.quit])
    }

    @Test func reviewTabShowsTheDueCount() {
        let entries: [LogEntry] = [.review(ReviewEvent(id: "1", card: "ask-on-call", rating: .again, at: now.addingTimeInterval(-3600)))]
        let m = makeModel(entries: entries)
        #expect(m.view(now: now).lines[0].contains("Review (1 due)"))
    }

    @Test func helpOverlayListsEveryKeyOfTheScreen() {
        var m = makeModel(height: 40)
        m.press(.char("?"))
        let s = m.screen()
        for label in ["search title, prompt, topics", "filter by difficulty", "change the sort order", "show / hide the model answer",
                      "answer this question", "back / quit", "go to Browse", "go to Practice", "go to Review", "go to Stats",
                      "previous / next tab", "next pane", "PgUp PgDn", "Ctrl-U Ctrl-D"] {
            #expect(s.contains(label), "help lacks \(label)")
        }
        m.press(.char("x"))
        #expect(!m.showHelp && !m.screen().contains("Keys — any key closes"))
    }

    @Test func tooSmallAndBack() {
        var m = makeModel()
        _ = m.update(.resize(width: 39, height: 12), now: now)
        #expect(m.screen().contains("Terminal too small"))
        #expect(m.screen().contains("39×12"))
        _ = m.update(.resize(width: 40, height: 12), now: now)
        #expect(!m.screen().contains("Terminal too small"))
        #expect(m.screen().contains("Questions 5/5"))
        _ = m.update(.resize(width: 60, height: 11), now: now)
        #expect(m.screen().contains("Terminal too small"))
    }

    @Test func layoutHoldsAtEverySize() {
        for (w, h) in [(40, 12), (60, 20), (80, 24), (99, 30), (100, 30), (120, 40), (200, 60)] {
            var m = makeModel(width: w, height: h)
            m.press(.char(" "))
            let lines = m.view(now: now).lines
            #expect(lines.count == h)
            #expect(lines.allSatisfy { displayWidth($0) == w }, "\(w)x\(h)")
            let text = lines.joined(separator: "\n")
            #expect(text.contains("Questions 5/5"), "\(w)x\(h)")
            // Side by side from 100 columns, stacked below.
            let sideBySide = lines[2].contains("││")
            #expect(sideBySide == (w >= 100), "\(w)x\(h)")
        }
    }

    @Test func monochromeThemeUsesNoColours() {
        var m = makeModel(theme: .monochrome)
        m.press(.char(" "))
        let g = m.view(now: now)
        #expect(g.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        #expect(g.cells.contains { $0.style.attrs.contains(.reverse) }) // the selection still shows
    }

    @Test func mouseClickSelectsAndWheelScrolls() {
        var m = makeModel()
        _ = m.update(.mouse(.click(x: 10, y: 4)), now: now)
        #expect(m.browse.selected == 2)
        _ = m.update(.mouse(.wheelDown(x: 10, y: 3)), now: now)
        #expect(m.browse.selected == 4)
        _ = m.update(.mouse(.click(x: 30, y: 0)), now: now)
        #expect(m.tab == .practice)
    }
}

@Suite struct BrowseTests {
    @Test func movementKeys() {
        var m = makeModel()
        m.press(.char("j")); #expect(m.browse.selected == 1)
        m.press(.down); #expect(m.browse.selected == 2)
        m.press(.char("k")); #expect(m.browse.selected == 1)
        m.press(.up); #expect(m.browse.selected == 0)
        m.press(.up); #expect(m.browse.selected == 0)
        m.press(.char("G")); #expect(m.browse.selected == 4)
        m.press(.char("g")); #expect(m.browse.selected == 0)
        m.press(.end); #expect(m.browse.selected == 4)
        m.press(.home); #expect(m.browse.selected == 0)
        m.press(.pageDown); #expect(m.browse.selected == 4)
        m.press(.pageUp); #expect(m.browse.selected == 0)
        m.press(.ctrl("d")); #expect(m.browse.selected > 0)
        m.press(.ctrl("u")); #expect(m.browse.selected == 0)
    }

    @Test func spaceRevealsTheRenderedAnswerAndTabScrollsIt() {
        var m = makeModel(width: 120, height: 40)
        #expect(m.screen().contains("Hidden. Press space to show it, Enter to answer it."))
        m.press(.char(" "))
        let s = m.screen()
        #expect(s.contains("Heading") && s.contains("Some bold and code.") && s.contains("• one"))
        #expect(s.contains("Key points") && s.contains("☐ first point") && s.contains("Follow-ups"))
        m.press(.char(" "))
        #expect(m.screen().contains("Hidden. Press space"))
        // A long answer scrolls in the detail pane.
        m.press(.tab, .char("j"), .char(" ")) // back to the list, next question, reveal (focus moves to the answer)
        let before = m.screen()
        #expect(before.contains("Paragraph 1 of a long answer"))
        m.press(.pageDown)
        let after = m.screen()
        #expect(!after.contains("Paragraph 1 of a long answer") && after.contains("Paragraph 20 of"))
        m.press(.char("G"))
        #expect(m.screen().contains("Paragraph 40"))
        m.press(.char("g"))
        #expect(m.screen().contains("Explain optimistic locking"))
    }

    @Test func incrementalSearchIsCaseAndAccentInsensitive() {
        var m = makeModel()
        m.press(.char("/"))
        m.type("OPTIMÍSTIC")
        var s = m.screen()
        #expect(s.contains("Questions 1/5") && s.contains("/ OPTIMÍSTIC") && s.contains("1 match"))
        m.press(.enter)
        #expect(!m.browse.searching && m.browse.filter.search == "OPTIMÍSTIC")
        m.press(.char("j")) // movement works again after Enter
        m.press(.char("/"), .escape)
        s = m.screen()
        #expect(s.contains("Questions 5/5") && m.browse.filter.search.isEmpty)
        // The selection is kept across the search.
        #expect(m.browse.selectedID == "optimistic-locking-inventory")
    }

    @Test func searchRanksTitleHitsFirst() {
        var m = makeModel()
        m.press(.char("/"))
        m.type("design")
        // "Design a caching strategy." is a prompt hit; no title has "design" → prompt order. Now search "multi".
        m.press(.ctrl("u"))
        m.type("caching")
        #expect(m.browse.results.first == 0)
        m.press(.backspace, .backspace, .backspace, .backspace, .backspace, .backspace, .backspace)
        #expect(m.browse.results.count == 5)
    }

    @Test func anEmptyResultSaysHowToClear() {
        var m = makeModel()
        m.press(.char("/"))
        m.type("zzzz")
        let s = m.screen()
        #expect(s.contains("No questions match.") && s.contains("Esc clears the search"))
    }

    @Test func filterMenuTogglesFacets() {
        var m = makeModel(height: 40)
        m.press(.char("f"))
        #expect(m.screen().contains("Filter · 5 matches") && m.screen().contains("[ ] Easy"))
        m.press(.char(" ")) // Easy
        #expect(m.browse.filter.difficulties == [.easy] && m.browse.results.count == 2)
        #expect(m.screen().contains("[x] Easy"))
        m.press(.char("j"), .char("j"), .char("j")) // Technical
        m.press(.enter)
        #expect(m.browse.results.count == 1)
        m.press(.char("c"))
        #expect(m.browse.filter.isEmpty && m.browse.results.count == 5)
        m.press(.escape)
        #expect(m.browse.filterMenu == nil)
        // A facet that matches nothing explains how to clear it.
        m.press(.char("f"))
        for _ in 0..<6 { m.press(.char("j")) } // Coding
        m.press(.char(" "), .char("f"))
        #expect(m.screen().contains("No questions match.") && m.screen().contains("Press f, then c, to clear the filters."))
        #expect(m.screen().contains("filtered"))
    }

    @Test func sortCycles() {
        var m = makeModel()
        m.press(.char("o"))
        #expect(m.browse.sort == .title && m.screen().contains("Sorted by title"))
        #expect(m.browse.results.map { m.catalog.questions[$0].title.first! } == ["A", "C", "M", "O", "T"])
        m.press(.char("o"))
        #expect(m.browse.sort == .difficulty)
        #expect(m.catalog.questions[m.browse.results.first!].difficulty == .easy)
    }

    @Test func selectionIsRememberedAcrossTabs() {
        var m = makeModel()
        m.press(.char("j"), .char("j"), .char("R"), .char("B"))
        #expect(m.browse.selectedID == "multi-region-social-app")
    }

    @Test func listShowsStatusAndPracticeCount() {
        let entries: [LogEntry] = [
            .review(ReviewEvent(id: "1", card: "caching-product-catalog", rating: .good, at: now.addingTimeInterval(-86400 * 3))),
            .review(ReviewEvent(id: "2", card: "caching-product-catalog", rating: .easy, at: now.addingTimeInterval(-86400 * 3 + 700))),
        ]
        let m = makeModel(entries: entries)
        let row = m.view(now: now).lines[2]
        #expect(row.contains("learned") && row.contains("×2"))
    }

    @Test func enterAndAOpenTheAnswerEditor() {
        var m = makeModel()
        m.press(.char("j"), .enter)
        #expect(m.tab == .practice && m.practice.current?.question.id == "optimistic-locking-inventory")
        var n = makeModel()
        n.press(.char("a"))
        #expect(n.tab == .practice && n.practice.phase == .answering)
    }

    @Test func deckTextCannotInjectEscapes() {
        let evil = [question("evil-title", "Title \u{1B}]0;owned\u{07} and \u{1B}[2J clear", prompt: "p \u{1B}[31m red")]
        var m = makeModel(evil, width: 100, height: 30)
        m.press(.char(" "))
        let g = m.view(now: now)
        #expect(g.cells.allSatisfy { !$0.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 } })
        #expect(g.text.contains("␛]0;owned␇"))
    }

    @Test func cjkAndEmojiTitlesStayAligned() {
        let qs = [question("cjk", "日本語のタイトルとテキスト"), question("emoji", "Rockets 🚀🚀 and hearts ❤️"), question("plain", "Plain title")]
        let m = makeModel(qs)
        let lines = m.view(now: now).lines
        for y in 2...4 {
            #expect(displayWidth(lines[y]) == 80)
            #expect(lines[y].hasSuffix("new          │"), "row \(y): \(lines[y])")
        }
    }
}

@Suite struct FollowUpAnswerTests {
    func withFollowUpAnswers() -> [Question] {
        var qs = sampleQuestions
        qs[0].followUps = ["How do you invalidate across services?", "What breaks at 50x traffic?"]
        qs[0].followUpAnswers = ["Publish a **change event**; each cache deletes its key.", "The hot key's shard: replicate it."]
        return qs
    }

    @Test func theDetailPaneShowsEachFollowUpWithItsAnswerOnceRevealed() {
        var m = makeModel(withFollowUpAnswers(), width: 100, height: 60)
        #expect(!m.screen().contains("change event"))
        m.press(.char(" "))
        let s = m.screen()
        #expect(s.contains("── Follow-ups"))
        #expect(s.contains("› How do you invalidate across services?"))
        #expect(s.contains("Publish a change event; each cache deletes its")) // Markdown rendered, not raw
        #expect(!s.contains("**change event**"))
        let lines = m.view(now: now).lines
        let q1 = lines.firstIndex { $0.contains("› How do you invalidate") }!, a1 = lines.firstIndex { $0.contains("Publish a change event") }!
        let q2 = lines.firstIndex { $0.contains("› What breaks at 50x") }!, a2 = lines.firstIndex { $0.contains("replicate it") }!
        #expect(q1 < a1 && a1 < q2 && q2 < a2)
    }

    @Test func aQuestionWithoutFollowUpAnswersShowsItsFollowUpsAlone() {
        var m = makeModel(width: 100, height: 60)
        m.press(.char(" "))
        let s = m.screen()
        #expect(s.contains("› A follow-up?"))
        #expect(s.contains("── Follow-ups"))
    }
}

/// A pasted megabyte in a draft (or an answer) is previewed in the detail pane, not wrapped whole each frame.
@Suite struct DetailPreviewTests {
    @Test func aLongDraftShowsItsFirstRowsAndHowLongItIs() {
        var m = makeModel()
        let id = m.catalog.questions[0].id
        m.drafts[id] = (1...10_000).map { "line \($0) of a long pasted draft" }.joined(separator: "\n")
        let lines = m.browse.detailLines(model: m, width: 60, now: now).map(\.plainText)
        #expect(lines.contains { $0.contains("Your draft (not submitted)") })
        #expect(lines.contains("line 1 of a long pasted draft") && lines.contains("line 60 of a long pasted draft"))
        #expect(!lines.contains("line 61 of a long pasted draft"))
        #expect(lines.contains("… 10000 lines in all; Enter opens it in the editor"))
        // A short draft is shown whole, with no note.
        m.drafts[id] = "short\ndraft"
        let short = m.browse.detailLines(model: m, width: 60, now: now).map(\.plainText)
        #expect(short.contains("short") && short.contains("draft") && !short.contains { $0.contains("lines in all") })
    }
}
